/**
 * "Test connection" for a feed host: can Feedgate reach it, does its credential reference resolve
 * and does the host accept that credential. The result is shown to an Admin and stored on the
 * host (recordFeedHostCheck), so no detail may ever carry the resolved secret: details are built
 * from references and statuses only, and are scrubbed of the secret once more before returning.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import { CloudError, describeFetchError } from "@/lib/cloud/cloud-error";
import { CredentialReferenceError } from "@/lib/cloud/credentials";
import { printable } from "@/lib/validation/single-line-text";

export type FeedHostCheckName = "reachable" | "credentials" | "version";

export interface FeedHostCheck {
  name: FeedHostCheckName;
  ok: boolean;
  detail: string;
}

export interface FeedHostCheckResult {
  ok: boolean;
  checks: FeedHostCheck[];
  version?: string;
}

export interface FeedHostToTest {
  kind: "nexus" | "artifacts";
  baseUrl: string;
  credentialRef: string;
  organization: string | null;
  project: string | null;
  caCertificate: string | null;
}

const STATUS_TIMEOUT_MS = 15_000;
/** A feed name no Feedgate feed can have (repository names are at most 63 characters, this is a valid one that is never created). */
const PROBE_FEED = "feedgate-connection-test";

/** The host's credential, resolved once: the clients are given this value, and it is what the result is scrubbed of. */
type ResolvedCredential = { ok: true; secret: string } | { ok: false; problem: string };

export async function testFeedHostConnection(cloud: Cloud, host: FeedHostToTest): Promise<FeedHostCheckResult> {
  let credential: ResolvedCredential;
  try {
    credential = { ok: true, secret: await cloud.resolveCredentialRef(host.credentialRef) };
  } catch (error) {
    credential = { ok: false, problem: credentialErrorDetail(host.credentialRef, error) };
  }
  let result: FeedHostCheckResult;
  try {
    result = host.kind === "nexus" ? await testNexus(cloud, host, credential) : await testArtifacts(cloud, host, credential);
  } catch (error) {
    // Nothing above should throw; if something does, its message is still scrubbed below.
    result = { ok: false, checks: [{ name: "reachable", ok: false, detail: `The connection test failed: ${messageOf(error)}` }] };
  }
  return scrubResult(result, credential.ok ? credential.secret : undefined);
}

async function testNexus(cloud: Cloud, host: FeedHostToTest, credential: ResolvedCredential): Promise<FeedHostCheckResult> {
  const status = await nexusStatus(host);
  const checks: FeedHostCheck[] = [{ name: "reachable", ok: status.ok, detail: status.detail }];
  checks.push(await nexusCredentials(cloud, host, status.ok, credential));
  checks.push(
    !status.ok
      ? { name: "version", ok: false, detail: "Not checked: the host did not answer." }
      : status.version
        ? { name: "version", ok: true, detail: `Nexus ${status.version}` }
        : { name: "version", ok: true, detail: "Nexus did not say which version it runs (no Server header)." },
  );
  return { ok: checks.every((c) => c.ok), checks, ...(status.ok && status.version ? { version: status.version } : {}) };
}

/**
 * GET /service/rest/v1/status without credentials. A host's own CA certificate is not applied:
 * Node's fetch takes a custom CA only through an undici Agent, and undici is not installed here,
 * so the worker trusts what NODE_EXTRA_CA_CERTS trusts (the Nexus client's own calls do the same).
 */
async function nexusStatus(host: FeedHostToTest): Promise<{ ok: boolean; detail: string; version?: string }> {
  const url = `${host.baseUrl.replace(/\/+$/, "")}/service/rest/v1/status`;
  let res: Response;
  try {
    res = await fetch(url, { method: "GET", headers: { Accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
  } catch (error) {
    const hint = host.caCertificate && /cert|self.signed|CA|UNABLE_TO/i.test(describeFetchError(error)) ? " The host's CA certificate is not used by this test yet: add it to the worker's NODE_EXTRA_CA_CERTS." : "";
    return { ok: false, detail: `${host.baseUrl} did not answer: ${describeFetchError(error)}.${hint}` };
  }
  await res.body?.cancel().catch(() => undefined);
  const version = nexusVersion(res.headers.get("server"));
  if (res.status !== 200) return { ok: false, detail: `${url} answered ${res.status}, not 200: is this the Nexus base URL?`, version };
  return { ok: true, detail: `${url} answered 200.`, version };
}

/** `Server: Nexus/3.68.1-02 (OSS)` → `3.68.1-02 (OSS)`. */
export function nexusVersion(server: string | null): string | undefined {
  const m = /^Nexus\/([0-9A-Za-z.+-]{1,40})(?:\s+\(([A-Za-z]{1,20})\))?/.exec(server?.trim() ?? "");
  if (!m) return undefined;
  return m[2] ? `${m[1]} (${m[2]})` : m[1];
}

async function nexusCredentials(cloud: Cloud, host: FeedHostToTest, reachable: boolean, credential: ResolvedCredential): Promise<FeedHostCheck> {
  if (!credential.ok) return { name: "credentials", ok: false, detail: credential.problem };
  let nexus;
  try {
    nexus = await cloud.nexusFor(host, { credential: credential.secret });
  } catch (error) {
    return { name: "credentials", ok: false, detail: credentialErrorDetail(host.credentialRef, error) };
  }
  if (!reachable) return { name: "credentials", ok: false, detail: `The credential reference ${host.credentialRef} resolved, but was not tried: the host did not answer.` };
  try {
    const repositories = await nexus.listRepositories();
    return { name: "credentials", ok: true, detail: `Signed in with ${host.credentialRef}; Nexus lists ${repositories.length} repositories.` };
  } catch (error) {
    if (error instanceof CloudError && error.details.status === 401) return { name: "credentials", ok: false, detail: `Nexus refused the credential from ${host.credentialRef} (401): the reference resolves to a wrong password.` };
    if (error instanceof CloudError && error.details.status === 403) return { name: "credentials", ok: false, detail: `Nexus accepted the credential from ${host.credentialRef} but its user may not list repositories (403).` };
    return { name: "credentials", ok: false, detail: messageOf(error) };
  }
}

/** One read with the PAT (a feed that does not exist is a 404, which getFeed takes as "none"): proves reach and credential. */
async function testArtifacts(cloud: Cloud, host: FeedHostToTest, credential: ResolvedCredential): Promise<FeedHostCheckResult> {
  const where = `${host.organization ?? "?"}/${host.project ?? "?"}`;
  const notTried = { name: "reachable", ok: false, detail: "Not checked: the credential reference did not resolve." } as const;
  if (!credential.ok) return { ok: false, checks: [notTried, { name: "credentials", ok: false, detail: credential.problem }] };
  let artifacts;
  try {
    artifacts = await cloud.artifactsFor(host, { credential: credential.secret });
  } catch (error) {
    return { ok: false, checks: [notTried, { name: "credentials", ok: false, detail: credentialErrorDetail(host.credentialRef, error) }] };
  }
  try {
    await artifacts.getFeed(PROBE_FEED);
    const checks: FeedHostCheck[] = [
      { name: "reachable", ok: true, detail: `Azure Artifacts answered for ${where}.` },
      { name: "credentials", ok: true, detail: `Azure DevOps accepted the PAT from ${host.credentialRef}.` },
    ];
    return { ok: true, checks };
  } catch (error) {
    const status = error instanceof CloudError ? error.details.status : undefined;
    if (status === undefined) return { ok: false, checks: [{ name: "reachable", ok: false, detail: messageOf(error) }, { name: "credentials", ok: false, detail: "Not checked: Azure Artifacts did not answer." }] };
    const reachable: FeedHostCheck = { name: "reachable", ok: true, detail: `Azure Artifacts answered for ${where} (${status}).` };
    if (status === 401 || status === 203) return { ok: false, checks: [reachable, { name: "credentials", ok: false, detail: `Azure DevOps refused the PAT from ${host.credentialRef} (${status}): check its Packaging scope and expiry.` }] };
    if (status === 403) return { ok: false, checks: [reachable, { name: "credentials", ok: false, detail: `The PAT from ${host.credentialRef} may not read feeds of ${where} (403): it needs Packaging (Read).` }] };
    return { ok: false, checks: [reachable, { name: "credentials", ok: false, detail: messageOf(error) }] };
  }
}

/** CredentialReferenceError messages name the reference and never the value; anything else gets a message of our own. */
function credentialErrorDetail(ref: string, error: unknown): string {
  if (error instanceof CredentialReferenceError) return error.message;
  return `The credential reference ${ref} could not be resolved: ${messageOf(error)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "unexpected error";
}

/**
 * Belt and braces: the secret, and the forms it travels in (Basic credentials, URL-encoded),
 * replaced wherever they might appear, and every detail one printable, bounded line.
 */
function scrubResult(result: FeedHostCheckResult, secret: string | undefined): FeedHostCheckResult {
  const forms = secret ? secretForms(secret) : [];
  const scrub = (text: string) => {
    let out = text;
    for (const form of forms) out = out.split(form).join("[redacted]");
    return printable(out).slice(0, 500);
  };
  return {
    ok: result.ok && result.checks.every((c) => c.ok),
    checks: result.checks.map((c) => ({ name: c.name, ok: c.ok, detail: scrub(c.detail) })),
    ...(result.version ? { version: scrub(result.version) } : {}),
  };
}

function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(`admin:${secret}`).toString("base64"), Buffer.from(`:${secret}`).toString("base64")]);
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}
