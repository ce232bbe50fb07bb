/**
 * Idempotent demo seed for embedded mode: safe to run at every start.
 * Upserts by natural keys, so a second run changes nothing and never duplicates.
 */
import type { PrismaClient } from "@/lib/db/client";
import { DEMO_NEXUS_HOST, DEMO_TEAMS, DEMO_TENANT_ID, DEMO_UPSTREAMS, DEMO_USERS } from "./demo-data";

export interface SeedOptions {
  /** The sandbox Nexus base URL, when known (it follows the sandbox's port). */
  nexusBaseUrl?: string;
  /** Where the sandbox wrote its Nexus admin password. */
  nexusCredentialRef?: string;
}

export async function seedDemoData(db: PrismaClient, options: SeedOptions = {}) {
  const teams = new Map<string, string>();
  for (const t of DEMO_TEAMS) {
    const team = await db.team.upsert({ where: { slug: t.slug }, update: {}, create: { slug: t.slug, name: t.name } });
    teams.set(t.slug, team.id);
    await db.teamGroup.upsert({ where: { teamId_groupId: { teamId: team.id, groupId: t.groupId } }, update: {}, create: { teamId: team.id, groupId: t.groupId } });
  }

  const admin = DEMO_USERS.find((u) => u.roles.includes("Feedgate.Admin"));
  for (const u of DEMO_USERS) {
    const user = await db.user.upsert({
      where: { entraOid: u.oid },
      update: {},
      create: { entraOid: u.oid, tenantId: DEMO_TENANT_ID, name: u.name, email: u.email },
    });
    for (const slug of u.teams) {
      const teamId = teams.get(slug);
      if (!teamId) continue;
      await db.teamMembership.upsert({
        where: { teamId_userId: { teamId, userId: user.id } },
        update: {},
        create: { teamId, userId: user.id },
      });
    }
  }

  for (const up of DEMO_UPSTREAMS) {
    await db.upstreamSource.upsert({
      where: { kind_url: { kind: up.kind, url: up.url } },
      update: {},
      create: {
        name: up.name,
        kind: up.kind,
        url: up.url,
        status: "approved",
        justification: "Seeded: the public index every team starts from.",
        proposedByOid: admin?.oid,
        decidedByOid: admin?.oid,
        decidedAt: new Date(),
        decisionReason: "Approved at installation.",
      },
    });
  }

  const baseUrl = options.nexusBaseUrl ?? "https://127.0.0.1:8443";
  const credentialRef = options.nexusCredentialRef ?? DEMO_NEXUS_HOST.credentialRef;
  const host = await db.feedHost.findUnique({ where: { name: DEMO_NEXUS_HOST.name } });
  if (!host) {
    await db.feedHost.create({ data: { name: DEMO_NEXUS_HOST.name, kind: DEMO_NEXUS_HOST.kind, credentialRef, baseUrl } });
  } else if (host.baseUrl !== baseUrl || host.credentialRef !== credentialRef) {
    // The sandbox may come up on another port; follow it without touching anything else.
    await db.feedHost.update({ where: { id: host.id }, data: { baseUrl, credentialRef } });
  }
}
