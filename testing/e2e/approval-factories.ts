/**
 * Factories for the approval, feed and notification journeys. They write straight into the e2e
 * server's throwaway SQLite database (global setup refuses anything else), with unique names so
 * specs never depend on each other's leftovers. Playwright's loader cannot load the generated
 * Prisma client, so specs call these through tsx (approval-data.ts); run as a script, this file
 * takes `<factory> <json args>` and prints the result as JSON.
 */
import { randomUUID } from "node:crypto";
import { createDb, type PrismaClient } from "@/lib/db/client";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { DEMO_USERS } from "@/prisma/demo-data";

const E2E_DATABASE_URL = "file:./data/e2e/feedgate.db";
let db: PrismaClient | undefined;

export function e2eDb(): PrismaClient {
  db ??= createDb(E2E_DATABASE_URL);
  return db;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function userByName(name: string) {
  const demo = DEMO_USERS.find((u) => u.name === name);
  if (!demo) throw new Error(`no demo user ${name}`);
  return e2eDb().user.findUniqueOrThrow({ where: { entraOid: demo.oid } });
}

export async function createProposedUpstream(options: { proposedBy: string; justification: string; name?: string }) {
  const proposer = await userByName(options.proposedBy);
  const name = options.name ?? uniqueName("wheels");
  return e2eDb().upstreamSource.create({
    data: { name, kind: "pypi", url: `https://${name}.contoso.example/simple/`, justification: options.justification, proposedByOid: proposer.entraOid },
  });
}

/** A submitted request from `submittedBy`'s team on the seeded Nexus host, optionally using a proposed upstream. */
export async function createSubmittedRequest(options: { submittedBy: string; proposed?: { name: string; url: string; justification: string | null } }) {
  const user = await userByName(options.submittedBy);
  const membership = await e2eDb().teamMembership.findFirstOrThrow({ where: { userId: user.id } });
  const host = await e2eDb().feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const pypi = await e2eDb().upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
  const title = uniqueName("Vision feed");
  const payload = feedRequestSchema.parse({
    teamId: membership.teamId,
    title,
    workspace: { mode: "new", region: "westeurope", namePrefix: `e${randomUUID().slice(0, 6)}`, addressSpace: "10.42.0.0/16" },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: [pypi.id],
    proposedUpstreams: options.proposed ? [{ name: options.proposed.name, kind: "pypi", url: options.proposed.url, justification: options.proposed.justification ?? "Wheels our team builds" }] : [],
    environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: [] }],
  });
  return e2eDb().feedRequest.create({ data: { teamId: membership.teamId, submittedByOid: user.entraOid, title, payload, status: "SUBMITTED", submittedAt: new Date() } });
}

/** A provisioned feed of the team, as the provisioning job leaves it. */
export async function createReadyFeed(teamSlug: string) {
  const team = await e2eDb().team.findUniqueOrThrow({ where: { slug: teamSlug } });
  const host = await e2eDb().feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const pypi = await e2eDb().upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
  const conda = await e2eDb().upstreamSource.findFirstOrThrow({ where: { name: "conda-forge" } });
  const name = uniqueName(`${teamSlug}-feed`);
  const base = host.baseUrl.replace(/\/+$/, "");
  const pipIndexUrl = `${base}/repository/${name}-pypi/simple/`;
  const condaUrl = `${base}/repository/${name}-conda/`;
  return e2eDb().feed.create({
    data: {
      teamId: team.id,
      hostId: host.id,
      name,
      status: "READY",
      pipIndexUrl,
      condaChannelUrl: condaUrl,
      repositories: [
        { name: `${name}-pypi`, format: "pypi", upstreamId: pypi.id, url: pipIndexUrl },
        { name: `${name}-conda`, format: "conda", upstreamId: conda.id, url: condaUrl },
      ],
      lastHealth: { ok: true, checks: [{ name: "pip index", ok: true, detail: `${pipIndexUrl} answered 200` }, { name: `conda channel ${condaUrl}`, ok: true, detail: "answered 200" }], warnings: [] },
      lastHealthAt: new Date(),
      upstreams: { create: [{ upstreamId: pypi.id, repository: `${name}-pypi` }, { upstreamId: conda.id, repository: `${name}-conda` }] },
    },
  });
}

/** An approved upstream that only one feed of the team proxies, so revoking it touches nothing else. */
export async function createApprovedUpstreamWithFeed(teamSlug: string) {
  const team = await e2eDb().team.findUniqueOrThrow({ where: { slug: teamSlug } });
  const host = await e2eDb().feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const name = uniqueName("extras");
  const upstream = await e2eDb().upstreamSource.create({
    data: { name, kind: "pypi", url: `https://${name}.contoso.example/simple/`, status: "approved", justification: "Extra wheels", decidedAt: new Date(), decisionReason: "Approved for the journey" },
  });
  const feedName = uniqueName(`${teamSlug}-extras`);
  const pipIndexUrl = `${host.baseUrl.replace(/\/+$/, "")}/repository/${feedName}-pypi/simple/`;
  const feed = await e2eDb().feed.create({
    data: {
      teamId: team.id,
      hostId: host.id,
      name: feedName,
      status: "READY",
      pipIndexUrl,
      repositories: [{ name: `${feedName}-pypi`, format: "pypi", upstreamId: upstream.id, url: pipIndexUrl }],
      lastHealth: { ok: true, checks: [{ name: "pip index", ok: true, detail: `${pipIndexUrl} answered 200` }], warnings: [] },
      lastHealthAt: new Date(),
      upstreams: { create: { upstreamId: upstream.id, repository: `${feedName}-pypi` } },
    },
  });
  return { upstream, feed };
}

export async function setTwoPersonRuleDirectly(enabled: boolean) {
  await e2eDb().setting.upsert({ where: { key: "approvals.twoPersonRule" }, update: { value: { enabled } }, create: { key: "approvals.twoPersonRule", value: { enabled } } });
}

const FACTORIES = {
  createProposedUpstream,
  createSubmittedRequest,
  createReadyFeed: (args: { teamSlug: string }) => createReadyFeed(args.teamSlug),
  createApprovedUpstreamWithFeed: (args: { teamSlug: string }) => createApprovedUpstreamWithFeed(args.teamSlug),
  setTwoPersonRuleDirectly: (args: { enabled: boolean }) => setTwoPersonRuleDirectly(args.enabled),
} as const;
export type FactoryName = keyof typeof FACTORIES;

async function main() {
  const [name, json] = process.argv.slice(2);
  const factory = FACTORIES[name as FactoryName] as ((args: unknown) => Promise<unknown>) | undefined;
  if (!factory) throw new Error(`unknown factory ${name}`);
  const result = await factory(JSON.parse(json ?? "{}"));
  process.stdout.write(JSON.stringify(result ?? null));
  await e2eDb().$disconnect();
}

if (process.argv[1]?.endsWith("approval-factories.ts")) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
