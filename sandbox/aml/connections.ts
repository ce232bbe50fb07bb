import { isRecord } from "../core/http";
import type { WorkspaceConnection } from "./aml-state";

/**
 * Azure ML workspace connections (api-version 2022-10-01, WorkspaceConnectionPropertiesV2): how a
 * PUT body becomes a stored connection, how a GET shows it (never its secret, as Azure ML omits
 * credentials), and which PythonFeed connection an image build uses for a pip index.
 */
export const CONNECTION_AUTH_TYPES = ["PAT", "SAS", "UsernamePassword", "None", "ManagedIdentity"] as const;
export const CONNECTION_CATEGORIES = ["PythonFeed", "ContainerRegistry", "Git"] as const;
export const CONNECTION_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;

export type ConnectionInputError = { error: string; target?: string };

/** The connection a PUT asks for, or what is wrong with it. */
export function parseConnectionBody(name: string, body: unknown, now: string, existing?: WorkspaceConnection): WorkspaceConnection | ConnectionInputError {
  if (!CONNECTION_NAME.test(name)) return { error: `Connection name '${name}' is invalid. It must match ${CONNECTION_NAME.source}.` };
  if (!isRecord(body) || !isRecord(body.properties)) return { error: "The request body must contain 'properties'." };
  const p = body.properties;
  const authType = typeof p.authType === "string" ? p.authType : "";
  if (!(CONNECTION_AUTH_TYPES as readonly string[]).includes(authType)) return { error: `Invalid authType '${authType}'. Valid values: ${CONNECTION_AUTH_TYPES.join(", ")}.`, target: "properties.authType" };
  const category = typeof p.category === "string" ? p.category : "";
  if (!(CONNECTION_CATEGORIES as readonly string[]).includes(category)) return { error: `Invalid category '${category}'. Valid values: ${CONNECTION_CATEGORIES.join(", ")}.`, target: "properties.category" };
  const target = typeof p.target === "string" ? p.target.trim() : "";
  if (!target) return { error: "The field Target is required.", target: "properties.target" };
  if (category === "PythonFeed" && !isHttpUrl(target)) return { error: `Target '${target}' of a PythonFeed connection must be an http(s) URL of a Python package index.`, target: "properties.target" };
  const secret = readSecret(authType, p);
  if ("error" in secret) return secret;
  return {
    name,
    authType,
    category,
    target,
    ...(typeof p.valueFormat === "string" ? { valueFormat: p.valueFormat } : {}),
    secret: secret.value,
    createdAt: existing?.createdAt ?? now,
    modifiedAt: now,
  };
}

/** The connection as GET (and PUT) answer it: Azure ML never returns credentials or a value. */
export function connectionView(workspaceArmId: string, c: WorkspaceConnection): Record<string, unknown> {
  return {
    id: `${workspaceArmId}/connections/${c.name}`,
    name: c.name,
    type: "Microsoft.MachineLearningServices/workspaces/connections",
    systemData: { createdAt: c.createdAt, createdBy: "sandbox@example.org", createdByType: "User", lastModifiedAt: c.modifiedAt, lastModifiedBy: "sandbox@example.org", lastModifiedByType: "User" },
    properties: { authType: c.authType, category: c.category, target: c.target, ...(c.valueFormat ? { valueFormat: c.valueFormat } : {}) },
  };
}

/** True when `target` (a URL) matches a list filter's `target` the way the service compares them. */
export function sameTarget(a: string, b: string): boolean {
  return normalizeTarget(a) === normalizeTarget(b);
}

/**
 * The PythonFeed connection whose target covers `indexUrl` (same scheme, host and port, and a
 * path prefix on segment boundaries); the longest target wins. Undefined: the build has none.
 */
export function pythonFeedConnectionFor(connections: Iterable<WorkspaceConnection>, indexUrl: string): WorkspaceConnection | undefined {
  const index = normalizeTarget(indexUrl);
  let best: WorkspaceConnection | undefined;
  for (const c of connections) {
    if (c.category !== "PythonFeed") continue;
    const target = normalizeTarget(c.target);
    if (!target || !(index === target || index.startsWith(`${target}/`))) continue;
    if (!best || target.length > normalizeTarget(best.target).length) best = c;
  }
  return best;
}

/** The Authorization header a build sends with a connection's credentials (Artifacts accepts any user with a PAT). */
export function authorizationOf(c: WorkspaceConnection): string | undefined {
  if (c.authType === "PAT" && c.secret.pat) return `Basic ${Buffer.from(`azureml:${c.secret.pat}`).toString("base64")}`;
  if (c.authType === "UsernamePassword" && c.secret.password) return `Basic ${Buffer.from(`${c.secret.username ?? ""}:${c.secret.password}`).toString("base64")}`;
  return undefined;
}

function readSecret(authType: string, p: Record<string, unknown>): { value: Record<string, string> } | ConnectionInputError {
  const creds = isRecord(p.credentials) ? p.credentials : {};
  const str = (v: unknown): string => (typeof v === "string" ? v : "");
  // `value` is the older way (SDK v1 set_connection) of passing the same secret.
  const legacy = str(p.value);
  switch (authType) {
    case "PAT": {
      const pat = str(creds.pat) || legacy;
      return pat ? { value: { pat } } : { error: "A connection with authType PAT needs credentials.pat.", target: "properties.credentials.pat" };
    }
    case "UsernamePassword": {
      const password = str(creds.password);
      return password ? { value: { username: str(creds.username), password } } : { error: "A connection with authType UsernamePassword needs credentials.username and credentials.password.", target: "properties.credentials" };
    }
    case "SAS": {
      const sas = str(creds.sas) || legacy;
      return sas ? { value: { sas } } : { error: "A connection with authType SAS needs credentials.sas.", target: "properties.credentials.sas" };
    }
    case "ManagedIdentity":
      return { value: { resourceId: str(creds.resourceId), clientId: str(creds.clientId) } };
    default:
      return { value: {} };
  }
}

function normalizeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`.toLowerCase();
  } catch {
    return "";
  }
}

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
