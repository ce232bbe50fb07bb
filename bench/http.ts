/**
 * The builds dashboard as people feel it: over HTTP, against a real production server
 * (scripts/start.ts: `next build` when sources changed, then the portal, in embedded mode with
 * a temp DATA_DIR on BENCH_HTTP_PORT, default 3700, sandbox ports +2..+7), signed in as an admin
 * and as a team member (sessions seeded straight into the database, cookies sealed with the
 * server's SESSION_SECRET). For one database provider (BENCH_HTTP_PROVIDER: sqlite or
 * postgresql, TEST_POSTGRES_URL for the server) it seeds 1,000 and 100,000 builds
 * (bench/seed-scale.ts) into throwaway databases, serves both at once and times every case
 * (first page, each filter, search with and without a match, the next page, the notification
 * count and the other pages a member opens) with the two people, all cases and both sizes
 * interleaved request by request, so noise from a shared machine falls on every case alike. Reports p50/p95
 * per size, the 100k/1k ratio of p95, and the gzip first-load JS per route (measureRouteJs).
 *
 *   tsx --conditions react-server bench/run-module.ts bench/http.ts benchHttp
 *
 * BENCH_HTTP_URLS="1000=<url>,100000=<url>" serves databases seeded before (kept afterwards).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { encodeCursor } from "@/lib/builds/build-filters";
import { createDb, type PrismaClient } from "@/lib/db/client";
import { createThrowawayDatabase } from "@/testing/throwaway-database";
import { seedScale } from "./seed-scale";

type Figures = Record<string, number | string>;
const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");
const SESSION_SECRET = "bench-http-session-secret-0123456789-abcdefghijkl";
const PORT = Number(process.env.BENCH_HTTP_PORT ?? 3700);
const RUNS = Number(process.env.BENCH_HTTP_RUNS ?? 50);
const SIZES = [1000, 100_000];
// Read lazily by lib/env, so set before the first cookie is sealed; the server gets the same.
process.env.SESSION_SECRET = SESSION_SECRET;
process.env.APP_URL = `http://localhost:${PORT}`;

/**
 * First-load JS of each route: the HTML's `<script src>` chunks (not `nomodule` ones), each gzipped (level 9, as a CDN
 * would serve it) and summed. Inline scripts (the RSC payload) are left out: they are data.
 */
export async function measureRouteJs(baseUrl: string, cookie: string, routes: readonly string[]): Promise<Record<string, { scripts: number; gzipBytes: number }>> {
  const sizes = new Map<string, number>();
  const out: Record<string, { scripts: number; gzipBytes: number }> = {};
  for (const route of routes) {
    const res = await fetch(new URL(route, baseUrl), { headers: { cookie }, redirect: "manual" });
    const html = await res.text();
    // A modern browser skips `nomodule` scripts (Next's legacy polyfills): they are not its JS.
    const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]).filter((tag) => !/\snomodule\b/i.test(tag));
    const srcs = [...new Set(tags.flatMap((tag) => [...tag.matchAll(/\ssrc="([^"]+)"/g)].map((m) => new URL(decodeHtml(m[1] ?? ""), baseUrl).toString())))];
    let gzipBytes = 0;
    for (const src of srcs) {
      let size = sizes.get(src);
      if (size === undefined) {
        const body = Buffer.from(await (await fetch(src)).arrayBuffer());
        size = gzipSync(body, { level: 9 }).length;
        sizes.set(src, size);
      }
      gzipBytes += size;
    }
    out[route] = { scripts: srcs.length, gzipBytes };
  }
  return out;
}

function decodeHtml(s: string): string {
  return s.replaceAll("&amp;", "&");
}

interface Person {
  label: "admin" | "member";
  cookie: string;
  nextCursor: string;
}

/** An admin and a member of one team, each with a live session row, and each one's second-page cursor. */
async function seedPeople(db: PrismaClient): Promise<{ people: Person[]; teamId: string; workspaceId: string }> {
  const { sealSession, sessionCookieName } = await import("@/lib/auth/session-cookie");
  const teams = await db.team.findMany({ orderBy: { slug: "asc" } });
  const team = teams.find((t) => t.slug === "vision") ?? teams[0];
  if (!team) throw new Error("no teams seeded");
  const workspace = await db.workspace.findFirst({ where: { teamId: team.id }, orderBy: { name: "asc" } });
  if (!workspace) throw new Error("no workspaces seeded");
  const now = new Date();
  const people: Person[] = [];
  for (const [label, roles] of [["admin", ["Feedgate.Admin"]], ["member", ["Feedgate.Requester"]]] as const) {
    const oid = `bench-http-${label}`;
    const user = await db.user.upsert({ where: { entraOid: oid }, update: {}, create: { entraOid: oid, name: `Bench ${label}`, email: `${oid}@bench.invalid`, lastRoles: [...roles], lastSignInAt: now, createdAt: new Date(now.getTime() - 3600_000) } });
    if (label === "member") await db.teamMembership.upsert({ where: { teamId_userId: { teamId: team.id, userId: user.id } }, update: {}, create: { teamId: team.id, userId: user.id } });
    const session = await db.session.create({ data: { userId: user.id, roles: [...roles], expiresAt: new Date(now.getTime() + 24 * 3600_000) } });
    const sealed = await sealSession({ sid: session.id, uid: user.id, oid, name: user.name, email: user.email, authTime: Math.floor(now.getTime() / 1000) });
    const fiftieth = await db.environmentBuild.findMany({ where: label === "member" ? { teamId: team.id } : {}, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], skip: 49, take: 1, select: { queuedAt: true, id: true } });
    people.push({ label, cookie: `${sessionCookieName()}=${sealed}`, nextCursor: fiftieth[0] ? encodeCursor(fiftieth[0]) : "" });
  }
  return { people, teamId: team.id, workspaceId: workspace.id };
}

function cases(person: Person, teamId: string, workspaceId: string): [string, string][] {
  const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  return [
    ["first page", "/builds"],
    ["filter status", "/builds?status=FAILED"],
    ["filter failure class", "/builds?failureClass=FEED_AUTH"],
    ["filter team", `/builds?team=${teamId}`],
    ["filter workspace", `/builds?workspace=${workspaceId}`],
    ["filter dates", `/builds?from=${day(7)}&to=${day(0)}`],
    ["filter oldest", `/builds?status=SUCCEEDED&team=${teamId}&sort=oldest`],
    ["search match", "/builds?q=pytorch"],
    ["search no match", "/builds?q=no-such-environment"],
    ["search short", "/builds?q=zq"],
    ["next page", `/builds?cursor=${person.nextCursor}`],
    ["notification count", "/api/v1/notifications?count"],
    ["requests page", "/requests"],
    ["feeds page", "/feeds"],
  ];
}

async function startServer(databaseUrl: string, dataDir: string, port: number): Promise<{ base: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [require.resolve("tsx/cli"), "scripts/start.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // Only the first server may build: the others serve what it built (see scripts/start.ts).
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: databaseUrl, SESSION_SECRET, APP_URL: `http://localhost:${port}`, LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1", ...(port === PORT ? {} : { FEEDGATE_REUSE_BUILD: "1" }) },
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 1500));
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  };
  const deadline = Date.now() + 20 * 60_000; // the first start may run next build
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${log.slice(-600)}`);
    try {
      const res = await fetch(`${base}/signin`, { redirect: "manual" });
      if (res.status < 500) return { base, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  await stop();
  throw new Error(`the server did not start: ${log.slice(-600)}`);
}

async function timeRequest(base: string, url: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(base + url, { headers: { cookie }, redirect: "manual" });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return ms;
}

interface Served {
  size: number;
  base: string;
  people: Person[];
  teamId: string;
  workspaceId: string;
  stop: () => Promise<void>;
  cleanup: () => Promise<void>;
}

/** One size's database (seeded here, or given), its two people, and its own server: size i on PORT + 20·i, so the sandbox ports (+2..+7) never meet. */
async function serveSize(size: number, index: number, provider: "sqlite" | "postgresql", given: string | undefined): Promise<Served> {
  let url = given;
  let drop = async () => {};
  if (!url) {
    const db = await createThrowawayDatabase(provider, process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
    await db.db.$disconnect();
    url = db.url;
    drop = () => db.drop();
    await seedScale(url, { builds: size, logMb: 0 });
  }
  const seedDb = createDb(url);
  const { people, teamId, workspaceId } = await seedPeople(seedDb).finally(() => seedDb.$disconnect());
  const dataDir = mkdtempSync(path.join(tmpdir(), "feedgate-bench-http-"));
  const server = await startServer(url, dataDir, PORT + 20 * index);
  return { size, base: server.base, people, teamId, workspaceId, stop: server.stop, cleanup: async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await drop();
  } };
}

/**
 * Both sizes served at once, and every case of both people timed against each in turn, request
 * by request (1k, then 100k, then the next case; the order flips each round): RUNS rounds after
 * 3 warm-up rounds, so a busy moment of the machine falls on both sizes alike.
 */
export async function benchHttp(): Promise<Figures> {
  const provider = process.env.BENCH_HTTP_PROVIDER === "postgresql" ? "postgresql" : "sqlite";
  const given = new Map((process.env.BENCH_HTTP_URLS ?? "").split(",").filter(Boolean).map((kv) => [Number(kv.slice(0, kv.indexOf("="))), kv.slice(kv.indexOf("=") + 1)]));
  const served: Served[] = [];
  try {
    // One after the other: the first start may run `next build`, which the second then reuses.
    for (const [i, size] of SIZES.entries()) served.push(await serveSize(size, i, provider, given.get(size)));
    const plan = (served[0]?.people ?? []).flatMap((person, p) =>
      cases(person, "", "").map(([name], c) => ({
        key: `${person.label} ${name}`,
        targets: served.map((s) => {
          const who = s.people[p];
          const url = who ? cases(who, s.teamId, s.workspaceId)[c]?.[1] : undefined;
          if (!who || !url) throw new Error("the sizes seeded different people or cases");
          return { size: s.size, base: s.base, url, cookie: who.cookie };
        }),
      })),
    );
    const times = new Map<string, number[]>(plan.flatMap((c) => SIZES.map((size) => [`${size} ${c.key}`, [] as number[]] as const)));
    for (let round = 0; round < RUNS + 3; round++) {
      for (const c of round % 2 ? [...plan].reverse() : plan) {
        for (const t of round % 2 ? [...c.targets].reverse() : c.targets) {
          const ms = await timeRequest(t.base, t.url, t.cookie);
          if (round >= 3) times.get(`${t.size} ${c.key}`)?.push(ms);
        }
      }
    }
    const largest = served[served.length - 1];
    const cookieOf = (label: Person["label"]) => largest?.people.find((p) => p.label === label)?.cookie ?? "";
    const js = largest
      ? { ...(await measureRouteJs(largest.base, cookieOf("member"), ["/signin", "/builds", "/requests", "/requests/new", "/feeds"])), ...(await measureRouteJs(largest.base, cookieOf("admin"), ["/admin/teams", "/admin/workspaces", "/admin/feed-hosts"])) }
      : {};
    const figures: Figures = {};
    const [small, large] = SIZES;
    for (const c of plan) {
      const a = stats(times.get(`${small} ${c.key}`) ?? []);
      const b = stats(times.get(`${large} ${c.key}`) ?? []);
      figures[`${c.key} p50/p95 1k`] = `${a.p50}/${a.p95}`;
      figures[`${c.key} p50/p95 100k`] = `${b.p50}/${b.p95}`;
      figures[`${c.key} p95 ratio`] = round(b.p95 / a.p95, 100);
    }
    for (const [route, r] of Object.entries(js)) figures[`first-load JS gzip ${route}`] = `${(r.gzipBytes / 1024).toFixed(1)} KiB (${r.scripts} scripts)`;
    return figures;
  } finally {
    for (const s of served) await s.stop();
    for (const s of served) await s.cleanup();
  }
}

function stats(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN);
  return { p50: at(0.5), p95: at(0.95) };
}

function round(n: number, by = 10): number {
  return Math.round(n * by) / by;
}
