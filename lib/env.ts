/**
 * All configuration, parsed once with zod. Code reads `env.X`, never `process.env.X`.
 * A bad or missing value throws ConfigError whose message is one line naming the variable;
 * the start script prints that line and exits without a stack trace.
 */
import { z } from "zod";

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
  /** Set to use a real Entra ID tenant; unset selects the sandbox sign-in. */
  ENTRA_TENANT_ID: optionalString,
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

export const isSandboxCloud = () => env.AZURE_SUBSCRIPTION_ID === undefined;
export const isSandboxIdentity = () => env.ENTRA_TENANT_ID === undefined;

function redact(variable: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN|KEY/i.test(variable)) return "***";
  return value.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@").slice(0, 80);
}
