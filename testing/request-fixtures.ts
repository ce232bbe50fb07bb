/** Test data for the request domain and routes: demo users as ActingUsers, and a valid wizard state. */
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";
import { BASE_IMAGES } from "@/lib/validation/base-images";
import { wizardStateSchema, type WizardState } from "@/lib/validation/request-wizard";
import { DEMO_USERS } from "@/prisma/demo-data";

let unique = 0;

export async function actingUser(db: PrismaClient, name: string): Promise<ActingUser> {
  const demo = DEMO_USERS.find((u) => u.name === name);
  if (!demo) throw new Error(`no demo user ${name}`);
  const u = await db.user.findUniqueOrThrow({ where: { entraOid: demo.oid }, include: { memberships: true } });
  return { id: u.id, oid: u.entraOid, name: u.name, email: u.email, roles: demo.roles, teamIds: u.memberships.map((m) => m.teamId) };
}

/** A complete, valid wizard state for Alice's team, with one proposed upstream (unique per call). */
export async function validState(db: PrismaClient, overrides: Partial<WizardState> = {}): Promise<WizardState> {
  const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const host = await db.feedHost.findFirstOrThrow();
  const pypi = await db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
  unique++;
  const tag = `${process.pid}${unique}`;
  return wizardStateSchema.parse({
    teamId: team.id,
    title: "Vision training feed",
    workspace: { mode: "new", region: "eastus", namePrefix: "vis", addressSpace: `10.${100 + (unique % 150)}.0.0/16` },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: [pypi.id],
    proposedUpstreams: [{ name: `internal-wheels-${tag}`, kind: "pypi", url: `https://wheels${tag}.contoso.example/simple/`, justification: "Wheels our CI builds for the vision team" }],
    environments: [{ name: "vision-train", baseImage: BASE_IMAGES[0].id, conda: "tinyhttp", pip: "# pinned\ntinyml==0.3.0\ntinylog" }],
    ...overrides,
  });
}
