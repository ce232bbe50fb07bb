/**
 * `npm start`: validate configuration, migrate, seed, then serve the portal.
 *   tsx scripts/start.ts          build when sources changed, then serve it (scripts/server.ts)
 *   tsx scripts/start.ts --dev    serve in development mode (scripts/server.ts --dev)
 * The portal runs behind scripts/server.ts rather than `next start` because only a server that
 * owns the socket can tell route handlers who the client is (X-Feedgate-Client-Address).
 * A configuration error prints one line naming the variable and exits 1, without a stack trace.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
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
    const { SANDBOX_PORT_VARIABLES, portInUseMessage } = await import("../sandbox/core/ports");
    // Fixed ports: the feeds' URLs, the seeded Nexus host and every pip.conf handed out name them.
    const sandboxPorts = Object.values(SANDBOX_PORT_VARIABLES).map((variable) => [variable, env[variable]] as const);
    await assertPortsFree(sandboxPorts, portInUseMessage);
    const { ensureSandboxCa } = await import("../sandbox/core/tls");
    const ca = ensureSandboxCa(sandboxDir);
    extraEnv.NODE_EXTRA_CA_CERTS = ca.caCertFile;
    const endpoints = await startSandboxProcess(sandboxDir, ca.caCertFile, Object.fromEntries(sandboxPorts.map(([variable, port]) => [variable, String(port)])));
    step(`sandbox cloud (no AZURE_SUBSCRIPTION_ID), state in ${sandboxDir}: ARM at ${endpoints.arm}, Nexus at ${endpoints.nexus}`);
    // The worker and the portal sign in as in App Service: DefaultAzureCredential finds this
    // managed identity (the sandbox's) through IDENTITY_ENDPOINT and IDENTITY_HEADER.
    extraEnv.IDENTITY_ENDPOINT = endpoints.identityEndpoint;
    extraEnv.IDENTITY_HEADER = readFileSync(endpoints.identityHeaderFile, "utf8").trim();
    seedArgs = ["--nexus-url", endpoints.nexus, "--nexus-credential-ref", `file:${endpoints.nexusAdminPasswordFile}`];
  }

  step("applying database migrations");
  runTsx(["prisma/tooling/migrate.ts", "deploy"], { DATABASE_URL: env.DATABASE_URL });

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

  // DATABASE_URL explicitly: its default follows DATA_DIR, and every child must open the same file.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, NEXT_TELEMETRY_DISABLED: "1", PORT: String(env.PORT), SESSION_SECRET: sessionSecret, DATABASE_URL: env.DATABASE_URL };
  if (env.START_WORKER) {
    step("starting a job worker (START_WORKER=false to run workers separately)");
    supervise(spawn(process.execPath, ["--import", "tsx", "--conditions", "react-server", "scripts/worker.ts"], { stdio: "inherit", env: childEnv }), "worker");
  }
  if (isDev) {
    servePortal(["--dev"], { ...childEnv, NODE_ENV: "development" });
    return;
  }
  buildIfStale(require.resolve("next/dist/bin/next"), childEnv);
  step(`serving ${env.APP_URL}`);
  servePortal([], { ...childEnv, NODE_ENV: "production" });
}

function buildIfStale(next: string, childEnv: NodeJS.ProcessEnv) {
  // NEXT_DIST_DIR: next.config.js's distDir, for a build beside the usual .next.
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const marker = path.join(distDir, "feedgate-source-hash");
  // FEEDGATE_REUSE_BUILD=1 serves an existing build as it is: a second server beside a running
  // one (bench/http.ts) must not rebuild the directory the first one serves from.
  if (process.env.FEEDGATE_REUSE_BUILD === "1" && existsSync(path.join(distDir, "BUILD_ID"))) return;
  const hash = sourceHash();
  if (existsSync(path.join(distDir, "BUILD_ID")) && existsSync(marker) && readFileSync(marker, "utf8") === hash) return;
  step("building the portal (first start, or sources changed)");
  const r = spawnSync(process.execPath, [next, "build"], { stdio: "inherit", env: { ...childEnv, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error("next build failed (see above)");
  writeFileSync(marker, hash);
}

/** A hash of everything that goes into the Next.js build, so restarts skip unchanged builds. */
function sourceHash(): string {
  const h = createHash("sha256");
  const roots = ["app", "components", "lib", "public", "generated", "proxy.ts", "instrumentation-client.ts", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
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

function servePortal(args: string[], childEnv: NodeJS.ProcessEnv) {
  supervise(spawn(process.execPath, ["--import", "tsx", "scripts/server.ts", ...args], { stdio: "inherit", env: childEnv }), "portal");
}

/** Fails with the one-line message for the first port that is taken (the sandbox binds 127.0.0.1). */
async function assertPortsFree(ports: readonly (readonly [string, number])[], message: (variable: string, port: number) => string) {
  const seen = new Map<number, string>();
  for (const [variable, port] of ports) {
    const other = seen.get(port);
    if (other) throw new ConfigError(`Invalid configuration: ${variable} port ${port} is also ${other}'s; give each sandbox service its own port`);
    seen.set(port, variable);
    if (!(await isPortFree(port))) throw new ConfigError(message(variable, port));
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Starts `sandbox/main.ts` (state kept in dataDir, fixed ports) and waits for the one JSON line with its endpoints. */
function startSandboxProcess(dataDir: string, caCertFile: string, portEnv: Record<string, string>): Promise<{ arm: string; nexus: string; nexusAdminPasswordFile: string; identityEndpoint: string; identityHeaderFile: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox/main.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...portEnv, SANDBOX_DATA_DIR: dataDir, SANDBOX_PERSIST_STATE: "true", NODE_EXTRA_CA_CERTS: caCertFile },
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
