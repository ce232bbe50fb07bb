/**
 * The container registry the allow-listed base images come from (mcr.microsoft.com), read over the
 * OCI distribution-spec v2 pull API: a HEAD of the tag's manifest answers its digest
 * (Docker-Content-Digest). A registry that wants a token answers 401 with
 * `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; an anonymous token from the realm is then
 * sent as `Authorization: Bearer` (MCR needs none today; others do).
 */
import "server-only";
import { createHash } from "node:crypto";
import { BASE_IMAGE_IDS, type BaseImageId } from "@/lib/validation/base-images";
import { CloudError, describeFetchError, isTransientStatus, parseRetryAfter } from "./cloud-error";

export interface ContainerRegistryClient {
  /** The current digest (`sha256:<64 hex>`) of the manifest the base image's tag names. */
  manifestDigest(image: BaseImageId): Promise<string>;
}

/** The manifest types a pull accepts: multi-platform indexes first, then single manifests. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface ContainerRegistryOptions {
  /** Where a registry host is reached: `https://mcr.microsoft.com` in Azure, the sandbox's registry in sandbox mode. */
  baseUrlFor(host: string): string;
  timeoutMs?: number;
}

export function createContainerRegistryClient(options: ContainerRegistryOptions): ContainerRegistryClient {
  const tokens = new Map<string, string>();
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async manifestDigest(image) {
      const ref = parseBaseImage(image);
      const base = new URL(options.baseUrlFor(ref.host));
      if (base.protocol !== "https:") throw new Error(`The container registry for ${ref.host} must be https`);
      const url = new URL(`/v2/${ref.repository}/manifests/${ref.tag}`, base);
      const scope = `repository:${ref.repository}:pull`;
      let response = await send(url, "HEAD", tokens.get(scope), timeoutMs, image);
      if (response.status === 401) {
        const token = await anonymousToken(response.headers.get("www-authenticate"), scope, timeoutMs, image);
        tokens.set(scope, token);
        response = await send(url, "HEAD", token, timeoutMs, image);
      }
      if (!response.ok) throw registryError(response, image);
      const digest = response.headers.get("docker-content-digest");
      if (digest && DIGEST.test(digest)) return digest;
      // A registry that leaves the header out: the digest is the sha256 of the manifest bytes.
      const full = await send(url, "GET", tokens.get(scope), timeoutMs, image);
      if (!full.ok) throw registryError(full, image);
      return `sha256:${createHash("sha256").update(Buffer.from(await full.arrayBuffer())).digest("hex")}`;
    },
  };
}

export interface BaseImageRef {
  host: string;
  repository: string;
  tag: string;
}

/** An allow-listed base image as registry host, repository and tag; anything else is refused. */
export function parseBaseImage(image: BaseImageId): BaseImageRef {
  if (!(BASE_IMAGE_IDS as readonly string[]).includes(image)) throw new Error("Not an allow-listed base image");
  const m = IMAGE.exec(image);
  if (!m?.[1] || !m[2] || !m[3]) throw new Error(`Base image ${image} is not host/repository:tag`);
  return { host: m[1], repository: m[2], tag: m[3] };
}

/** The `WWW-Authenticate: Bearer` challenge's parameters (RFC 6750 auth-params). */
export function parseBearerChallenge(header: string | null): { realm: string; service?: string; scope?: string } | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const params = new Map<string, string>();
  for (const m of header.slice(7).matchAll(/([a-z_]+)="([^"]*)"/gi)) if (m[1] && m[2] !== undefined) params.set(m[1].toLowerCase(), m[2]);
  const realm = params.get("realm");
  return realm ? { realm, service: params.get("service"), scope: params.get("scope") } : undefined;
}

// host, then lower-case path components separated by / (distribution-spec's name grammar), then a tag.
const IMAGE = /^([a-z0-9.-]+)\/([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*):([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

async function anonymousToken(header: string | null, scope: string, timeoutMs: number, image: string): Promise<string> {
  const challenge = parseBearerChallenge(header);
  if (!challenge) throw new CloudError(`The registry refused ${image} without a Bearer challenge`, { service: "containerRegistry", status: 401, isTransient: false });
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch {
    throw new CloudError(`The registry's token realm for ${image} is not a URL`, { service: "containerRegistry", status: 401, isTransient: false });
  }
  if (realm.protocol !== "https:" || realm.username || realm.password) throw new CloudError(`The registry's token realm for ${image} must be https`, { service: "containerRegistry", status: 401, isTransient: false });
  if (challenge.service) realm.searchParams.set("service", challenge.service);
  // Only ever ask for pull on the image's own repository, whatever the challenge names.
  realm.searchParams.set("scope", scope);
  let response: Response;
  try {
    response = await fetch(realm, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
  } catch (error) {
    throw new CloudError(`The registry's token endpoint did not answer for ${image}: ${describeFetchError(error)}`, { service: "containerRegistry", isTransient: true });
  }
  if (!response.ok) throw registryError(response, image);
  const body = (await response.json().catch(() => undefined)) as { token?: unknown; access_token?: unknown } | undefined;
  const token = typeof body?.token === "string" ? body.token : typeof body?.access_token === "string" ? body.access_token : undefined;
  if (!token || !/^[\x21-\x7e]{1,8192}$/.test(token)) throw new CloudError(`The registry's token endpoint gave no token for ${image}`, { service: "containerRegistry", isTransient: false });
  return token;
}

async function send(url: URL, method: "HEAD" | "GET", token: string | undefined, timeoutMs: number, image: string): Promise<Response> {
  try {
    return await fetch(url, {
      method,
      headers: { accept: MANIFEST_ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    throw new CloudError(`The container registry did not answer for ${image}: ${describeFetchError(error)}`, { service: "containerRegistry", isTransient: true });
  }
}

function registryError(response: Response, image: string): CloudError {
  return new CloudError(`The container registry answered ${response.status} for ${image}`, {
    service: "containerRegistry",
    status: response.status,
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    isTransient: isTransientStatus(response.status),
  });
}
