/**
 * The demo world of embedded mode: who exists and what is already approved.
 * The sandbox identity provider signs these people in, and prisma/seed.ts stores them,
 * so one list keeps the two in step. Nothing here is read in production paths.
 */
export type DemoRole = "Feedgate.Requester" | "Feedgate.Approver" | "Feedgate.Admin";

export interface DemoUser {
  oid: string;
  name: string;
  email: string;
  roles: DemoRole[];
  /** Teams seeded as "manual" memberships. */
  teams: string[];
  /** Entra group object ids the sandbox provider puts in the id_token's `groups` claim. */
  groups: string[];
  /**
   * In so many groups that the id_token carries Entra's overage marker (`_claim_names.groups`)
   * instead of `groups`: the portal reads `groups` from the sandbox Graph.
   */
  groupsOverage?: boolean;
  /** One line for the sandbox account picker. */
  blurb: string;
}

export const DEMO_TENANT_ID = "9c1f0d4e-5b6a-4f7e-8d9c-0a1b2c3d4e5f";

export const DEMO_TEAMS = [
  { slug: "vision", name: "Vision Research", groupId: "7a1e0c52-3b4d-4e6f-8a9b-00000000a001" },
  { slug: "nlp", name: "Language Models", groupId: "7a1e0c52-3b4d-4e6f-8a9b-00000000a002" },
] as const;

/** A group of the demo tenant that no team is mapped to (everyone is in it). */
export const DEMO_ALL_STAFF_GROUP = "7a1e0c52-3b4d-4e6f-8a9b-00000000a0ff";
const VISION = DEMO_TEAMS[0].groupId;
const NLP = DEMO_TEAMS[1].groupId;

export const DEMO_USERS: DemoUser[] = [
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-1111aaaa0001",
    name: "Alice Chen",
    email: "alice@contoso.example",
    roles: ["Feedgate.Requester"],
    teams: ["vision"],
    groups: [VISION, DEMO_ALL_STAFF_GROUP],
    blurb: "ML engineer, Vision Research",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-2222bbbb0002",
    name: "Bilal Okafor",
    email: "bilal@contoso.example",
    roles: ["Feedgate.Requester"],
    teams: ["nlp"],
    groups: [NLP, DEMO_ALL_STAFF_GROUP],
    blurb: "ML engineer, Language Models",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-3333cccc0003",
    name: "Carmen Diaz",
    email: "carmen@contoso.example",
    roles: ["Feedgate.Approver"],
    teams: [],
    groups: [DEMO_ALL_STAFF_GROUP],
    blurb: "Security approver",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-4444dddd0004",
    name: "Dmitri Ivanov",
    email: "dmitri@contoso.example",
    roles: ["Feedgate.Admin", "Feedgate.Approver"],
    teams: [],
    groups: [DEMO_ALL_STAFF_GROUP],
    blurb: "Platform admin",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-5555eeee0005",
    name: "Nadia Novak",
    email: "nadia@contoso.example",
    roles: ["Feedgate.Requester"],
    teams: [],
    groups: [DEMO_ALL_STAFF_GROUP],
    blurb: "ML engineer who joined this week, not in a team yet",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-6666ffff0006",
    name: "Omar Haddad",
    email: "omar@contoso.example",
    roles: ["Feedgate.Requester"],
    teams: [],
    groups: [VISION, DEMO_ALL_STAFF_GROUP],
    groupsOverage: true,
    blurb: "ML engineer, Vision Research through a group (too many groups for the token: read from Graph)",
  },
];

export const DEMO_UPSTREAMS = [
  { name: "pypi.org", kind: "pypi", url: "https://pypi.org/" },
  { name: "conda-forge", kind: "conda", url: "https://conda.anaconda.org/conda-forge/" },
] as const;

export const DEMO_NEXUS_HOST = {
  name: "nexus-sandbox",
  kind: "nexus",
  credentialRef: "file:data/sandbox/nexus/admin.password",
} as const;
