/**
 * npm run bench — every benchmark of the project, printed as one table and one JSON object:
 *  - the builds dashboard at fleet scale (bench/builds.ts) on SQLite and on PostgreSQL
 *    (TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test; a fresh database is
 *    created and dropped), each in its own child process so RSS figures do not mix;
 *  - benchSandbox (bench/sandbox.ts) and benchJobs (bench/jobs.ts) when those modules exist;
 *  - benchProvisioning (bench/provisioning.ts): cloud calls per completed request, with the
 *    sandbox CA trusted from process start (NODE_EXTRA_CA_CERTS);
 *  - benchArmPolling (bench/arm-polling.ts): ARM reads per deployment-hour at the default
 *    settings (a simulated hour) and for 100 deployments at once (time compressed 30 times).
 * Goals: dashboard first page and filter change p95 < 300 ms; the 50 MB log streams with a peak
 * RSS delta far below its size; at most 120 ARM reads per deployment-hour, and 100 deployments
 * under ARM's per-subscription read limit.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createThrowawayDatabase } from "../testing/throwaway-database";
import { ensureSandboxCa } from "../sandbox/core/tls";

type Figures = Record<string, number | string>;
const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");

async function main() {
  const results: Record<string, Figures> = {};
  // Fresh migrated databases (the shared throwaway helper), dropped after each run.
  for (const [label, provider] of [["builds (SQLite)", "sqlite"], ["builds (PostgreSQL)", "postgresql"]] as const) {
    try {
      const db = await createThrowawayDatabase(provider, process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
      try {
        results[label] = runBuildsBench(db.url);
      } finally {
        await db.drop();
      }
    } catch (error) {
      results[label] = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  // The dashboard over HTTP against a production server, 1k vs 100k builds (bench/http.ts).
  for (const [label, provider] of [["http (SQLite)", "sqlite"], ["http (PostgreSQL)", "postgresql"]] as const) {
    results[label] = runChild(["bench/run-module.ts", "bench/http.ts", "benchHttp"], { BENCH_HTTP_PROVIDER: provider });
  }
  for (const [label, file, fn] of [
    ["sandbox", "bench/sandbox.ts", "benchSandbox"],
    ["jobs", "bench/jobs.ts", "benchJobs"],
  ] as const) {
    if (existsSync(path.join(root, file))) results[label] = runChild(["bench/run-module.ts", file, fn], {});
  }
  const caDir = mkdtempSync(path.join(tmpdir(), "feedgate-bench-ca-"));
  try {
    const ca = ensureSandboxCa(caDir);
    results.provisioning = runChild(["bench/run-module.ts", "bench/provisioning.ts", "benchProvisioning"], { NODE_EXTRA_CA_CERTS: ca.caCertFile, SANDBOX_CA_DIR: caDir });
    results["arm polling"] = runChild(["bench/run-module.ts", "bench/arm-polling.ts", "benchArmPolling"], { NODE_EXTRA_CA_CERTS: ca.caCertFile, SANDBOX_CA_DIR: caDir });
  } finally {
    rmSync(caDir, { recursive: true, force: true });
  }
  printTable(results);
  console.log(JSON.stringify(results, null, 2));
  const failed = Object.values(results).some((r) => "error" in r);
  process.exit(failed ? 1 : 0);
}

function runBuildsBench(databaseUrl: string): Figures {
  const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" };
  const figures = runChild(["bench/builds.ts"], env);
  const buildId = figures.largeLogBuildId;
  if (typeof buildId !== "string") return figures;
  // The 50 MB log streams in a fresh process, so its RSS baseline is an idle process, not the seeder's.
  // A 128 MB old space would not even hold the log twice: streaming has to stay bounded to finish.
  const { largeLogBuildId: _id, ...rest } = { ...figures, ...runChild(["--max-old-space-size=128", "bench/log-stream.ts", buildId], env) };
  void _id;
  return rest;
}

/** One benchmark in a child process with the react-server condition, so "server-only" modules load and RSS figures stay apart. */
function runChild(args: string[], env: Record<string, string>): Figures {
  const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), "--expose-gc", "--conditions", "react-server", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (r.status !== 0 || !line) return { error: (r.stderr || r.stdout).trim().split("\n").slice(-5).join(" ").slice(0, 400) };
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as Figures;
}

function printTable(results: Record<string, Figures>) {
  const rows: [string, string, string][] = [];
  for (const [group, figures] of Object.entries(results)) for (const [k, v] of Object.entries(figures)) rows.push([group, k, String(v)]);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i as 0 | 1 | 2].length), 6));
  const line = (r: [string, string, string]) => `${r[0].padEnd(w[0] ?? 0)}  ${r[1].padEnd(w[1] ?? 0)}  ${r[2].padStart(w[2] ?? 0)}`;
  console.log(line(["bench", "figure", "value"]));
  for (const r of rows) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
