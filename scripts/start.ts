/**
 * `npm start`: validate configuration, migrate, seed, then serve the portal.
 *   tsx scripts/start.ts          build when sources changed, then `next start`
 *   tsx scripts/start.ts --dev    `next dev`
 * A configuration error prints one line naming the variable and exits 1, without a stack trace.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ensureSessionSecret } from "../lib/auth/embedded-session-secret";
import { ConfigError, parseEnv } from "../lib/env";
import { startPortalSandboxIdp } from "../sandbox/idp/start-portal-idp";

const require = createRequire(import.meta.url);
const isDev = process.argv.includes("--dev");

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `feedgate: start failed: ${describe(error)}`);
  process.exit(1);
});

async function main() {
  const env = parseEnv();
  mkdirSync(env.DATA_DIR, { recursive: true });

  step("applying database migrations");
  runTsx(["scripts/prisma-migrate.ts", "deploy"], { DATABASE_URL: env.DATABASE_URL });

  if (env.SEED_DEMO_DATA) {
    step("seeding demo data");
    runTsx(["prisma/seed-cli.ts"], { DATABASE_URL: env.DATABASE_URL });
  }

  const sessionSecret = ensureSessionSecret(env);
  if (env.ENTRA_TENANT_ID === undefined) {
    // In-process: it lives and dies with this launcher, like the portal it serves.
    const idp = await startPortalSandboxIdp(env.DATA_DIR);
    step(`sandbox sign-in (no ENTRA_TENANT_ID): identity provider at ${idp.issuer}`);
  }

  const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(env.PORT), SESSION_SECRET: sessionSecret };
  const next = require.resolve("next/dist/bin/next");
  if (isDev) {
    serve(next, ["dev", "-p", String(env.PORT)], childEnv);
    return;
  }
  buildIfStale(next, childEnv);
  step(`serving ${env.APP_URL}`);
  serve(next, ["start", "-p", String(env.PORT)], childEnv);
}

function buildIfStale(next: string, childEnv: NodeJS.ProcessEnv) {
  const marker = path.join(".next", "feedgate-source-hash");
  const hash = sourceHash();
  if (existsSync(path.join(".next", "BUILD_ID")) && existsSync(marker) && readFileSync(marker, "utf8") === hash) return;
  step("building the portal (first start, or sources changed)");
  const r = spawnSync(process.execPath, [next, "build"], { stdio: "inherit", env: { ...childEnv, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error("next build failed (see above)");
  writeFileSync(marker, hash);
}

/** A hash of everything that goes into the Next.js build, so restarts skip unchanged builds. */
function sourceHash(): string {
  const h = createHash("sha256");
  const roots = ["app", "components", "lib", "public", "generated", "proxy.ts", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(path.join(p, e));
    } else {
      h.update(p).update(String(s.size)).update(String(s.mtimeMs));
    }
  };
  roots.forEach(walk);
  return h.digest("hex");
}

function serve(bin: string, args: string[], childEnv: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: "inherit", env: childEnv });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

function runTsx(args: string[], extraEnv: Record<string, string>) {
  const tsx = require.resolve("tsx/cli");
  const r = spawnSync(process.execPath, [tsx, ...args], { stdio: "inherit", env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited with ${r.status}`);
}

function step(message: string) {
  console.log(`feedgate: ${message}`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
