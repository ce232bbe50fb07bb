/** Test data for approval, revocation and feed tests: acting users and requests on a seeded database. */
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { DEMO_USERS } from "@/prisma/demo-data";

/** The seeded demo person as the domain layer sees them after sign-in. */
export async function actingUser(db: PrismaClient, name: string): Promise<ActingUser> {
  const demo = DEMO_USERS.find((u) => u.name === name);
  if (!demo) throw new Error(`no demo user ${name}`);
  const user = await db.user.findUniqueOrThrow({ where: { entraOid: demo.oid }, include: { memberships: true } });
  return { id: user.id, oid: user.entraOid, name: user.name, email: user.email, roles: [...demo.roles], teamIds: user.memberships.map((m) => m.teamId) };
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** A SUBMITTED request of the given team, using the approved pypi.org plus optional proposals. */
export async function submittedRequest(db: PrismaClient, options: { teamSlug?: string; submittedBy?: ActingUser; proposals?: { name: string; url: string }[]; status?: "SUBMITTED" | "AWAITING_UPSTREAM" } = {}) {
  const team = await db.team.findUniqueOrThrow({ where: { slug: options.teamSlug ?? "vision" } });
  const host = await db.feedHost.findFirstOrThrow();
  const pypi = await db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
  const proposals = options.proposals ?? [];
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: `Feed ${uniqueSuffix()}`,
    workspace: { mode: "new", region: "eastus", namePrefix: `p${uniqueSuffix().slice(0, 6)}`, addressSpace: "10.1.0.0/16" },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: [pypi.id],
    proposedUpstreams: proposals.map((p) => ({ name: p.name, kind: "pypi", url: p.url, justification: "Internal wheels we build ourselves" })),
    // What the approver reads verbatim in the queue.
    environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: ["tinyhttp"], pip: ["tinyml==0.3.0"] }],
  });
  for (const p of payload.proposedUpstreams) {
    await db.upstreamSource.upsert({ where: { kind_url: { kind: p.kind, url: p.url } }, update: {}, create: { name: p.name, kind: p.kind, url: p.url, justification: p.justification, proposedByOid: options.submittedBy?.oid ?? null } });
  }
  return db.feedRequest.create({
    data: { teamId: team.id, submittedByOid: options.submittedBy?.oid ?? "someone", title: payload.title, payload, status: options.status ?? "SUBMITTED", submittedAt: new Date() },
  });
}

/** A provisioned feed of a team with one Nexus proxy of `upstreamId`, as the provisioning job leaves it. */
export async function readyFeed(db: PrismaClient, options: { teamSlug: string; upstreamId: string; repository: string; pipIndexUrl?: string; condaChannelUrl?: string | null }) {
  const team = await db.team.findUniqueOrThrow({ where: { slug: options.teamSlug } });
  const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const pipIndexUrl = options.pipIndexUrl ?? `https://127.0.0.1:8443/repository/${options.repository}/simple/`;
  const repositories = [
    { name: options.repository, format: "pypi", upstreamId: options.upstreamId, url: pipIndexUrl },
    ...(options.condaChannelUrl ? [{ name: `${options.repository}-conda`, format: "conda", upstreamId: options.upstreamId, url: options.condaChannelUrl }] : []),
  ];
  return db.feed.create({
    data: {
      teamId: team.id,
      hostId: host.id,
      name: `${options.teamSlug}-${uniqueSuffix()}`,
      status: "READY",
      pipIndexUrl,
      condaChannelUrl: options.condaChannelUrl ?? null,
      repositories,
      lastHealth: { ok: true, checks: [{ name: "pip index", ok: true, detail: `${pipIndexUrl} answered 200` }], warnings: [] },
      lastHealthAt: new Date(),
      upstreams: { create: { upstreamId: options.upstreamId, repository: options.repository } },
    },
  });
}
