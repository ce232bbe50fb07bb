/**
 * Seeds a database for the scale benchmark: the demo teams and users, 100,000 environment builds
 * over 60 days (batched createMany) and one 50 MB build log.
 *
 *   DATABASE_URL=file:./data/scale.db npx tsx bench/seed-scale.ts [--builds 100000] [--log-mb 50]
 *
 * The database is migrated first. Refuses a database that already holds builds.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { providerOf } from "@/lib/db/adapter";
import { createDb, type PrismaClient } from "@/lib/db/client";
import { seedFleet, seedLargeLog } from "@/testing/seed-builds";
import { seedDemoData } from "@/prisma/seed";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");

export interface ScaleSeed {
  largeLogBuildId: string;
  largeLogBytes: number;
  builds: number;
  seconds: number;
}

export async function seedScale(url: string, options: { builds?: number; logMb?: number } = {}): Promise<ScaleSeed> {
  const started = performance.now();
  execFileSync(process.execPath, [require.resolve("tsx/cli"), "prisma/tooling/migrate.ts", "deploy"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  const db = createDb(url);
  try {
    if ((await db.environmentBuild.count()) > 0) throw new Error("this database already holds builds; seed a fresh one");
    await seedDemoData(db);
    const teams = await db.team.findMany({ select: { id: true }, orderBy: { slug: "asc" } });
    const builds = options.builds ?? 100_000;
    await seedFleet(db, { count: builds, teamIds: teams.map((t) => t.id), workspacesPerTeam: 4, environmentsPerWorkspace: 25, days: 60, prefix: "scale" });
    const large = await pickLargeLogBuild(db);
    const largeLogBytes = await seedLargeLog(db, large, (options.logMb ?? 50) * 1024 * 1024);
    // What autovacuum would do within a minute of a bulk load; SQLite plans without statistics.
    if (providerOf(url) === "postgresql") await db.$executeRawUnsafe("ANALYZE");
    return { largeLogBuildId: large, largeLogBytes, builds, seconds: (performance.now() - started) / 1000 };
  } finally {
    await db.$disconnect();
  }
}

async function pickLargeLogBuild(db: PrismaClient): Promise<string> {
  const build = await db.environmentBuild.findFirstOrThrow({ where: { status: "FAILED" }, orderBy: { queuedAt: "desc" }, select: { id: true } });
  return build.id;
}

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : undefined;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("Set DATABASE_URL to the database to seed.");
    process.exit(1);
  }
  seedScale(url, { builds: arg("builds"), logMb: arg("log-mb") }).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
