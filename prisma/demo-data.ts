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
  teams: string[];
  /** One line for the sandbox account picker. */
  blurb: string;
}

export const DEMO_TENANT_ID = "9c1f0d4e-5b6a-4f7e-8d9c-0a1b2c3d4e5f";

export const DEMO_TEAMS = [
  { slug: "vision", name: "Vision Research" },
  { slug: "nlp", name: "Language Models" },
] as const;

export const DEMO_USERS: DemoUser[] = [
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-1111aaaa0001",
    name: "Alice Chen",
    email: "alice@contoso.example",
    roles: ["Feedgate.Requester"],
    teams: ["vision"],
    blurb: "ML engineer, Vision Research",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-2222bbbb0002",
    name: "Bilal Okafor",
    email: "bilal@contoso.example",
    roles: ["Feedgate.Requester"],
    teams: ["nlp"],
    blurb: "ML engineer, Language Models",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-3333cccc0003",
    name: "Carmen Diaz",
    email: "carmen@contoso.example",
    roles: ["Feedgate.Approver"],
    teams: [],
    blurb: "Security approver",
  },
  {
    oid: "0b6f5a7e-1c2d-4e3f-9a8b-4444dddd0004",
    name: "Dmitri Ivanov",
    email: "dmitri@contoso.example",
    roles: ["Feedgate.Admin", "Feedgate.Approver"],
    teams: [],
    blurb: "Platform admin",
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
