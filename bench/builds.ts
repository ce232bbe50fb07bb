/**
 * The builds dashboard at fleet scale on one database (DATABASE_URL): seeds 100,000 builds and a
 * 50 MB log, then times the dashboard's server data load (exactly what the page awaits before it
 * renders), filter changes and cursor pages. bench/log-stream.ts then streams the 50 MB
 * log in a fresh process (its id is printed as largeLogBuildId).
 * Prints one JSON object. Run by bench/main.ts in a child process per database (with the
 * react-server condition the domain modules need), so memory figures do not mix.
 */
import type { ActingUser } from "@/lib/auth/acting-user";
import { buildFiltersSchema, type BuildFilters } from "@/lib/builds/build-filters";
import { listBuilds } from "@/lib/builds/list-builds";
import { loadBuildDashboard } from "@/lib/builds/load-build-dashboard";
import { createDb } from "@/lib/db/client";
import { seedScale } from "./seed-scale";

const RUNS = 40;

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const seed = await seedScale(url, { builds: Number(process.env.BENCH_BUILDS ?? 100_000), logMb: Number(process.env.BENCH_LOG_MB ?? 50) });
  const db = createDb(url);
  try {
    const teams = await db.team.findMany({ orderBy: { slug: "asc" } });
    const workspaces = await db.workspace.findMany({ orderBy: { name: "asc" } });
    const vision = teams.find((t) => t.slug === "vision") ?? teams[0];
    if (!vision) throw new Error("no teams seeded");
    const admin: ActingUser = { id: "bench-admin", oid: "bench-admin", name: "Bench Admin", email: "", roles: ["Feedgate.Admin"], teamIds: [] };
    const member: ActingUser = { id: "bench-member", oid: "bench-member", name: "Bench Member", email: "", roles: ["Feedgate.Requester"], teamIds: [vision.id] };
    const defaults = buildFiltersSchema.parse({});
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    const variants: Partial<BuildFilters>[] = [
      { status: "FAILED" },
      { failureClass: "FEED_AUTH" },
      { team: vision.id },
      { workspace: workspaces[1]?.id },
      { q: "pytorch" },
      { from: weekAgo, to: today },
      { status: "SUCCEEDED", team: vision.id, sort: "oldest" },
      { failureClass: "NETWORK_TIMEOUT", workspace: workspaces[2]?.id },
    ];
    const view = (f: Partial<BuildFilters>) => buildFiltersSchema.parse({ ...f });

    const firstPageAdmin = await timeRuns(() => loadBuildDashboard(db, admin, defaults));
    const firstPageMember = await timeRuns(() => loadBuildDashboard(db, member, defaults));
    let i = 0;
    const filterChange = await timeRuns(() => loadBuildDashboard(db, admin, view(variants[i++ % variants.length] ?? {})));
    i = 0;
    const filterChangeMember = await timeRuns(() => loadBuildDashboard(db, member, view(variants[i++ % variants.length] ?? {})));
    // Cursor pages deep into the list: walk 40 pages, timing each.
    let cursor: string | undefined;
    const nextPage = await timeRuns(async () => {
      const page = await listBuilds(db, admin, { ...defaults, cursor });
      cursor = page.nextCursor ?? undefined;
    });

    return {
      builds: seed.builds,
      seedSeconds: round(seed.seconds),
      firstPageAdminP50Ms: firstPageAdmin.p50,
      firstPageAdminP95Ms: firstPageAdmin.p95,
      firstPageMemberP95Ms: firstPageMember.p95,
      filterChangeP50Ms: filterChange.p50,
      filterChangeP95Ms: filterChange.p95,
      filterChangeMemberP95Ms: filterChangeMember.p95,
      nextPageP95Ms: nextPage.p95,
      largeLogBuildId: seed.largeLogBuildId,
    };
  } finally {
    await db.$disconnect();
  }
}

async function timeRuns(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let w = 0; w < 3; w++) await fn();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => round(times[Math.max(0, Math.ceil(p * times.length) - 1)] ?? Number.NaN);
  return { p50: at(0.5), p95: at(0.95) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().then(
  (result) => {
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
