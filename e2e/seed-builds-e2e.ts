/**
 * Data for e2e/builds.spec.ts, run with tsx by the spec (Playwright cannot load the generated
 * ESM Prisma client itself): 160 builds of history in both demo teams, and two real requests whose
 * provisioning jobs the e2e server's worker runs on the sandbox cloud — one builds, one fails.
 *   DATABASE_URL=file:./data/e2e/feedgate.db tsx e2e/seed-builds-e2e.ts <run id> history|live
 * `history`: the 160 builds and the failing request; `live`: the request that builds, started
 * when the live-tail test begins so its build is still running when the page opens.
 * Prints {"okEnv": …, "failEnv": …} on its last line.
 */
import { seedFleet } from "@/testing/seed-builds";
import { createDb, type PrismaClient } from "@/lib/db/client";
import { feedRequestSchema } from "@/lib/validation/feed-request";

async function main() {
  const url = process.env.DATABASE_URL ?? "";
  if (!url.startsWith("file:./data/")) throw new Error(`refusing a non-local database: ${url}`);
  const run = process.argv[2] ?? Date.now().toString(36);
  const db = createDb(url);
  try {
    const [vision, nlp] = await Promise.all([db.team.findUniqueOrThrow({ where: { slug: "vision" } }), db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
    const okEnv = `live-${run}`;
    const failEnv = `broken-${run}`;
    if (process.argv[3] === "live") {
      await submitRequest(db, vision.id, run, okEnv, ["tinyml==0.3.0"], 30);
    } else {
      await seedFleet(db, { count: 160, teamIds: [vision.id, nlp.id], workspacesPerTeam: 1, environmentsPerWorkspace: 3, days: 5, prefix: `e2e${run}` });
      await submitRequest(db, vision.id, run, failEnv, ["no-such-package-anywhere==9.9.9"], 31);
    }
    console.log(JSON.stringify({ okEnv, failEnv }));
  } finally {
    await db.$disconnect();
  }
}

async function submitRequest(db: PrismaClient, teamId: string, run: string, envName: string, pip: string[], octet: number) {
  const host = await db.feedHost.findFirstOrThrow({ where: { name: "nexus-sandbox" } });
  const upstreams = await db.upstreamSource.findMany({ where: { status: "approved", kind: "pypi" } });
  const payload = feedRequestSchema.parse({
    teamId,
    title: `Builds e2e ${envName}`,
    workspace: { mode: "new", region: "westeurope", namePrefix: `b${run.slice(-4)}${octet}`, addressSpace: `10.${octet}.0.0/16` },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments: [{ name: envName, baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip }],
  });
  const request = await db.feedRequest.create({ data: { teamId, submittedByOid: "e2e", title: payload.title, payload, status: "PROVISIONING", submittedAt: new Date() } });
  const subject = `request:${request.id}`;
  // What startProvisioningIfReady enqueues; the worker inside `npm start` claims it.
  await db.job.create({ data: { kind: "provision-request", subject, activeSubject: subject, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
