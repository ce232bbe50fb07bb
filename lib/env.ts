/**
 * All configuration, parsed once with zod. Code reads `env.X`, never `process.env.X`.
 * A bad or missing value throws ConfigError whose message is one line naming the variable;
 * the start script prints that line and exits without a stack trace.
 */
import { z } from "zod";
import { ROLES } from "./auth/roles";
import { CREDENTIAL_REF_FORMS, credentialRefProblem } from "./cloud/credentials";
import { parseIpRange, type IpRange } from "./http/ip-address";

const databaseUrl = z
  .string()
  .trim()
  .refine((v) => /^(file:.+|:memory:|postgres(ql)?:\/\/.+)$/i.test(v), {
    message: "must be file:<path> (SQLite) or postgresql://… (PostgreSQL)",
  });

const port = z.coerce.number().int().min(1).max(65535);

/** env:NAME, file:/path or https://<vault>.vault.azure.net/secrets/<name>[/<version>] (lib/cloud/credentials.ts). */
const credentialRef = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = credentialRefProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `must be ${CREDENTIAL_REF_FORMS} (${problem})` });
  });

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const configShape = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Defaults to file:<DATA_DIR>/feedgate.db (see the transform below). */
  DATABASE_URL: databaseUrl.optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The address people open; used for redirects and the Origin check. */
  APP_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:3000"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Where embedded-mode state lives: the SQLite file, the sandbox CA, generated secrets. */
  DATA_DIR: z.string().trim().min(1).default("data"),
  /** Seed demo data (team, users, approved upstreams, one Nexus host) at start. */
  SEED_DEMO_DATA: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  /** Set to use real Azure; unset selects the sandbox cloud. */
  AZURE_SUBSCRIPTION_ID: optionalString.pipe(z.uuid().optional()),
  // The GUID, not a domain: the id_token issuer names the GUID and must match exactly.
  /** Set to use a real Entra ID tenant (its Directory ID); unset selects the sandbox sign-in. */
  ENTRA_TENANT_ID: optionalString.pipe(z.uuid("must be the tenant's Directory (tenant) ID, a GUID").optional()),
  /** The app registration's client id; required with ENTRA_TENANT_ID, fixed in sandbox mode. */
  ENTRA_CLIENT_ID: optionalString.pipe(z.uuid("must be the app registration's Application (client) ID, a GUID").optional()),
  /** Entra login host; change only for sovereign clouds (e.g. https://login.microsoftonline.us). */
  ENTRA_AUTHORITY_HOST: z.url({ protocol: /^https$/ }).default("https://login.microsoftonline.com"),
  /** Optional JSON object mapping Entra group object ids to Feedgate roles, for tenants that grant by group. */
  ROLE_GROUP_MAP: optionalString
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be a JSON object like {"<group id>":"Feedgate.Approver"}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.enum(ROLES))),
  /** Accepted `aud` of bearer access tokens on /api/v1; defaults to the client id and api://<client id>. */
  API_AUDIENCE: optionalString,
  /**
   * Optional JSON object mapping the app (client) ids of automation to the team slugs their
   * app-only access tokens may see, e.g. {"<app id>":["vision"]}. Roles still come from the token.
   */
  APP_TOKEN_TEAMS: optionalString
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be a JSON object like {"<app id>":["team-slug"]}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.array(z.string()))),
  /** Key material for the session cookie (32+ characters). Required with ENTRA_TENANT_ID; npm start generates one into DATA_DIR otherwise. */
  SESSION_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  /** A session ends after this many minutes without a request; each request extends it (rolling). */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** A session ends this many hours after sign-in, however active. */
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12),
  /** Sign-in requests (POST /api/auth/nonce and /api/auth/session) allowed per client address per minute, counted in the database. */
  SIGN_IN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /**
   * Comma-separated IP addresses or CIDR ranges (IPv4 or IPv6) of the reverse proxies in front of
   * the portal. Only a request whose socket peer is one of them has its X-Forwarded-For read.
   */
  TRUSTED_PROXIES: optionalString.transform((v, ctx): IpRange[] => {
    const ranges: IpRange[] = [];
    for (const entry of (v ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
      const range = parseIpRange(entry);
      if (!range) {
        ctx.addIssue({ code: "custom", message: `must be comma-separated IP addresses or CIDR ranges like 10.0.0.0/8, fd00::/8; "${entry.slice(0, 60)}" is neither` });
        return z.NEVER;
      }
      ranges.push(range);
    }
    return ranges;
  }),
  /** Port of the sandbox identity provider (sandbox sign-in only); defaults to PORT + 1. */
  SANDBOX_IDP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Fixed ports of the sandbox cloud (npm start without AZURE_SUBSCRIPTION_ID), so feeds keep their URLs across restarts; default PORT + 2 … PORT + 7. */
  SANDBOX_ARM_PORT: port.optional(),
  SANDBOX_AML_PORT: port.optional(),
  SANDBOX_AML_DATA_PLANE_PORT: port.optional(),
  SANDBOX_NEXUS_PORT: port.optional(),
  SANDBOX_ARTIFACTS_PORT: port.optional(),
  SANDBOX_BLOB_PORT: port.optional(),
  /** The sandbox container registry (MCR imitation); default PORT + 8. */
  SANDBOX_CONTAINER_REGISTRY_PORT: port.optional(),
  /** Issuer URL of the sandbox identity provider as browsers reach it; defaults to http://<APP_URL host>:<SANDBOX_IDP_PORT>. */
  SANDBOX_IDP_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Microsoft Graph base URL, read for a person's groups on groups overage; default https://graph.microsoft.com (the sandbox provider's Graph in sandbox sign-in). */
  GRAPH_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Run a job worker inside `npm start`; set false when workers run separately (`npm run worker`). */
  START_WORKER: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  /** Jobs one worker process runs at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a worker's claim on a job lasts without a heartbeat (ms); a dead worker's jobs resume after this. */
  WORKER_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(30_000),
  /** The first and shortest interval between polls of a running ARM deployment or image build (ms); later ones grow to 30 times it. */
  JOB_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /** How often every live feed is re-checked: its index probed, its Nexus configuration compared with Feedgate's record (ms). */
  FEED_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(86_400_000).default(300_000),
  /** How often every built environment version is checked for staleness (base image digest, banned or revoked packages); default 6 h. */
  STALENESS_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(604_800_000).default(21_600_000),
  /** Feedgate's share of ARM's per-subscription read limit, reads per second, shared by every worker (bursts of 10 seconds' worth). */
  ARM_READS_PER_SECOND: z.coerce.number().positive().max(1000).default(3),
  /** Reads per second of the Azure ML image data plane (build status, image details) per subscription, shared by every worker. */
  AML_DATA_PLANE_READS_PER_SECOND: z.coerce.number().positive().max(1000).default(2),
  /** REST reads per second Feedgate's workers make of one Nexus host, shared by every worker (bursts of 10 seconds' worth). */
  NEXUS_READS_PER_SECOND: z.coerce.number().positive().max(1000).default(20),
  /** Where the admin password of Nexus VMs that Feedgate deploys is found (real Azure): env:NAME, file:/path or a Key Vault secret URI. */
  NEXUS_CREDENTIAL_REF: credentialRef.default("env:NEXUS_ADMIN_PASSWORD"),
  /** Where the Azure DevOps PAT for Artifacts feeds is found (real Azure): env:NAME, file:/path or a Key Vault secret URI. */
  AZURE_DEVOPS_CREDENTIAL_REF: credentialRef.default("env:AZURE_DEVOPS_PAT"),
  /** SSH public key installed on Nexus VMs that Feedgate deploys. */
  NEXUS_VM_SSH_PUBLIC_KEY: optionalString,
  /**
   * The env: variables an Admin may name as a feed host's credential, by prefix (comma-separated).
   * Feedgate's own configuration variables are never allowed, whatever their prefix.
   */
  FEED_HOST_ENV_PREFIXES: z
    .string()
    .default("NEXUS_,ADO_,AZURE_DEVOPS_,FEED_HOST_")
    .transform((v) => v.split(",").map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be a comma-separated list of variable-name prefixes such as NEXUS_,ADO_"))),
  /** The only folder whose files an Admin may name (file:) as a feed host's credential. */
  FEED_HOST_SECRETS_DIR: z.string().trim().regex(/^\/.+\/$/, "must be an absolute folder path ending in /").default("/run/secrets/"),
});

/** Every variable Feedgate reads: none of them may be named as a feed host's credential. */
export const CONFIG_VARIABLE_NAMES: readonly string[] = Object.keys(configShape.shape);

const schema = configShape.superRefine((v, ctx) => {
  // A real tenant is a real deployment: no generated secrets, no sandbox defaults.
  if (v.ENTRA_TENANT_ID && !v.ENTRA_CLIENT_ID) {
    ctx.addIssue({ code: "custom", path: ["ENTRA_CLIENT_ID"], message: "is required when ENTRA_TENANT_ID is set" });
  }
  if (v.ENTRA_TENANT_ID && !v.SESSION_SECRET) {
    ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required when ENTRA_TENANT_ID is set" });
  }
  // The person's Graph token travels to it: only the sandbox sign-in's own Graph may be plain http.
  if (v.ENTRA_TENANT_ID && v.GRAPH_BASE_URL && !v.GRAPH_BASE_URL.startsWith("https://")) {
    ctx.addIssue({ code: "custom", path: ["GRAPH_BASE_URL"], message: "must be https when ENTRA_TENANT_ID is set" });
  }
}).transform((v) => ({
  ...v,
  DATABASE_URL: v.DATABASE_URL ?? defaultDatabaseUrl(v.DATA_DIR),
  SANDBOX_ARM_PORT: v.SANDBOX_ARM_PORT ?? v.PORT + 2,
  SANDBOX_AML_PORT: v.SANDBOX_AML_PORT ?? v.PORT + 3,
  SANDBOX_AML_DATA_PLANE_PORT: v.SANDBOX_AML_DATA_PLANE_PORT ?? v.PORT + 4,
  SANDBOX_NEXUS_PORT: v.SANDBOX_NEXUS_PORT ?? v.PORT + 5,
  SANDBOX_ARTIFACTS_PORT: v.SANDBOX_ARTIFACTS_PORT ?? v.PORT + 6,
  SANDBOX_BLOB_PORT: v.SANDBOX_BLOB_PORT ?? v.PORT + 7,
  SANDBOX_CONTAINER_REGISTRY_PORT: v.SANDBOX_CONTAINER_REGISTRY_PORT ?? v.PORT + 8,
}));

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "unset": .env files and CI templates often export VAR= .
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.join(".") ?? "configuration";
  const received = variable in cleaned ? ` (got "${redact(variable, String(cleaned[variable]))}")` : "";
  throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? "is invalid"}${received}`);
}

let cached: Env | undefined;

/** The validated configuration of this process. */
export const env: Env = new Proxy({} as Env, {
  get(_target, key: string) {
    cached ??= parseEnv();
    return cached[key as keyof Env];
  },
});

/** Drops the parsed configuration so the next read parses process.env again (tests, config reload). */
export function resetEnvCache() {
  cached = undefined;
}

export const isSandboxCloud = () => env.AZURE_SUBSCRIPTION_ID === undefined;
export const isSandboxIdentity = () => env.ENTRA_TENANT_ID === undefined;

/** The SQLite file inside DATA_DIR: file:./data/feedgate.db for the default, file:/abs/dir/feedgate.db for an absolute one. */
function defaultDatabaseUrl(dataDir: string): string {
  const dir = dataDir.replace(/[\\/]+$/, "") || "/";
  if (/^([\\/]|[A-Za-z]:)/.test(dir)) return `file:${dir === "/" ? "" : dir}/feedgate.db`;
  return `file:./${dir.replace(/^\.[\\/]+/, "")}/feedgate.db`;
}

function redact(variable: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN|KEY/i.test(variable)) return "***";
  return value.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@").slice(0, 80);
}
