/**
 * `npm start`: validate configuration, migrate, seed, then serve the portal.
 *   tsx scripts/start.ts          build when sources changed, then `next start`
 *   tsx scripts/start.ts --dev    `next dev`
 * A configuration error prints one line naming the variable and exits 1, without a stack trace.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ensureSessionSecret } from "../lib/auth/embedded-session-secret";
import { ConfigError, parseEnv } from "../lib/env";

const require = createRequire(import.meta.url);
const isDev = process.argv.includes("--dev");

async function main() {
  const env = parseEnv();
  mkdirSync(env.DATA_DIR, { recursive: true });

  const extraEnv: Record<string, string> = {};
  let seedArgs: string[] = [];
  if (env.AZURE_SUBSCRIPTION_ID === undefined) {
    // The sandbox cloud runs in its own process: its image builds call its own HTTPS servers,
    // and NODE_EXTRA_CA_CERTS is read only at process start.
    const sandboxDir = path.join(env.DATA_DIR, "sandbox");
    // Imported only in sandbox mode, after configuration passed: production never loads sandbox code.
    const { ensureSandboxCa } = await import("../sandbox/core/tls");
    const ca = ensureSandboxCa(sandboxDir);
    extraEnv.NODE_EXTRA_CA_CERTS = ca.caCertFile;
    const endpoints = await startSandboxProcess(sandboxDir, ca.caCertFile);
    step(`sandbox cloud (no AZURE_SUBSCRIPTION_ID): ARM at ${endpoints.arm}, Nexus at ${endpoints.nexus}`);
    seedArgs = ["--nexus-url", endpoints.nexus, "--nexus-credential-ref", `file:${endpoints.nexusAdminPasswordFile}`];
  }

  step("applying database migrations");
  runTsx(["scripts/prisma-migrate.ts", "deploy"], { DATABASE_URL: env.DATABASE_URL });

  if (env.SEED_DEMO_DATA) {
    step("seeding demo data");
    runTsx(["prisma/seed-cli.ts", ...seedArgs], { DATABASE_URL: env.DATABASE_URL });
  }
  // A changed tenant, group-to-role map or session policy leaves an audit event.
  runTsx(["--conditions", "react-server", "scripts/audit-config.ts"], { DATABASE_URL: env.DATABASE_URL });

  const sessionSecret = ensureSessionSecret(env);
  if (env.ENTRA_TENANT_ID === undefined) {
    // In-process: it lives and dies with this launcher, like the portal it serves.
    const { startPortalSandboxIdp } = await import("../sandbox/idp/start-portal-idp");
    const idp = await startPortalSandboxIdp(env.DATA_DIR);
    step(`sandbox sign-in (no ENTRA_TENANT_ID): identity provider at ${idp.issuer}`);
  }

  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, NEXT_TELEMETRY_DISABLED: "1", PORT: String(env.PORT), SESSION_SECRET: sessionSecret };
  if (env.START_WORKER) {
    step("starting a job worker (START_WORKER=false to run workers separately)");
    supervise(spawn(process.execPath, ["--import", "tsx", "--conditions", "react-server", "scripts/worker.ts"], { stdio: "inherit", env: childEnv }), "worker");
  }
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

const children = new Set<ChildProcess>();
let isStopping = false;

/** Stops every child on a signal; a child that dies on its own takes the portal down with it. */
function supervise(child: ChildProcess, name: string) {
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (isStopping) {
      if (children.size === 0) process.exit(0);
      return;
    }
    console.error(`feedgate: ${name} exited (${signal ?? code}); stopping`);
    shutdown("SIGTERM", code ?? 1);
  });
}

function shutdown(signal: NodeJS.Signals, exitCode = 0) {
  if (isStopping) return;
  isStopping = true;
  for (const c of children) c.kill(signal);
  setTimeout(() => process.exit(exitCode), 25_000).unref();
  if (children.size === 0) process.exit(exitCode);
}

process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));

function serve(bin: string, args: string[], childEnv: NodeJS.ProcessEnv) {
  supervise(spawn(process.execPath, [bin, ...args], { stdio: "inherit", env: childEnv }), "portal");
}

/** Starts `sandbox/main.ts` and waits for the one JSON line with its endpoints. */
function startSandboxProcess(dataDir: string, caCertFile: string): Promise<{ arm: string; nexus: string; nexusAdminPasswordFile: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox/main.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, SANDBOX_DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: caCertFile },
  });
  supervise(child, "sandbox cloud");
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error("the sandbox cloud did not start within 60 s")), 60_000);
    const onData = (data: Buffer) => {
      buffer += data.toString();
      const newline = buffer.indexOf("\n");
      if (newline < 0) return;
      child.stdout?.off("data", onData);
      child.stdout?.pipe(process.stdout);
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buffer.slice(0, newline)));
      } catch {
        reject(new Error(`the sandbox cloud printed no endpoints: ${buffer.slice(0, 200)}`));
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the sandbox cloud exited with ${code}`)));
  });
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

// Last: the helpers above must be initialised before main() runs.
main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `feedgate: start failed: ${describe(error)}`);
  shutdown("SIGTERM", 1);
});
