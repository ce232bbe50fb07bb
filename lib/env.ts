/**
 * All configuration, parsed once with zod. Code reads `env.X`, never `process.env.X`.
 * A bad or missing value throws ConfigError whose message is one line naming the variable;
 * the start script prints that line and exits without a stack trace.
 */
import { z } from "zod";
import { ROLES } from "./auth/roles";

const databaseUrl = z
  .string()
  .trim()
  .refine((v) => /^(file:.+|:memory:|postgres(ql)?:\/\/.+)$/i.test(v), {
    message: "must be file:<path> (SQLite) or postgresql://… (PostgreSQL)",
  });

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: databaseUrl.default("file:./data/feedgate.db"),
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
  /** Token exchanges (POST /api/auth/*) allowed per client IP per minute. */
  SIGN_IN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Port of the sandbox identity provider (sandbox sign-in only); defaults to PORT + 1. */
  SANDBOX_IDP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Issuer URL of the sandbox identity provider as browsers reach it; defaults to http://<APP_URL host>:<SANDBOX_IDP_PORT>. */
  SANDBOX_IDP_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Run a job worker inside `npm start`; set false when workers run separately (`npm run worker`). */
  START_WORKER: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  /** Jobs one worker process runs at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a worker's claim on a job lasts without a heartbeat (ms); a dead worker's jobs resume after this. */
  WORKER_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(30_000),
  /** How often running jobs poll ARM and image builds (ms). */
  JOB_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /** Where the admin password of Nexus VMs that Feedgate deploys is found (real Azure): env:NAME or file:/path. */
  NEXUS_CREDENTIAL_REF: z.string().trim().regex(/^(env|file):.+$/, "must be env:NAME or file:/path").default("env:NEXUS_ADMIN_PASSWORD"),
  /** Where the Azure DevOps PAT for Artifacts feeds is found (real Azure): env:NAME or file:/path. */
  AZURE_DEVOPS_CREDENTIAL_REF: z.string().trim().regex(/^(env|file):.+$/, "must be env:NAME or file:/path").default("env:AZURE_DEVOPS_PAT"),
  /** SSH public key installed on Nexus VMs that Feedgate deploys. */
  NEXUS_VM_SSH_PUBLIC_KEY: optionalString,
}).superRefine((v, ctx) => {
  // A real tenant is a real deployment: no generated secrets, no sandbox defaults.
  if (v.ENTRA_TENANT_ID && !v.ENTRA_CLIENT_ID) {
    ctx.addIssue({ code: "custom", path: ["ENTRA_CLIENT_ID"], message: "is required when ENTRA_TENANT_ID is set" });
  }
  if (v.ENTRA_TENANT_ID && !v.SESSION_SECRET) {
    ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required when ENTRA_TENANT_ID is set" });
  }
});

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

function redact(variable: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN|KEY/i.test(variable)) return "***";
  return value.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@").slice(0, 80);
}
