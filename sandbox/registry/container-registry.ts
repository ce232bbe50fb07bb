import { createHash, randomBytes } from "node:crypto";
import { Router, type SandboxRequest, type SandboxResponse } from "../core/http";

/**
 * The Microsoft Container Registry as image pulls and Feedgate's staleness check see it: the OCI
 * distribution-spec v2 pull API (`GET /v2/`, `HEAD`/`GET /v2/<name>/manifests/<reference>`) for
 * the repositories of the base images a request may build on, with an anonymous bearer-token
 * round (a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, then the token
 * endpoint), as registries that want one answer.
 *
 * Each tag's manifest is a deterministic OCI image index built from (repository, tag, generation);
 * moving an image forward bumps its generation, so its manifest bytes and digest change. Only the
 * generations are state (saved with the sandbox's snapshot).
 */

/** The MCR base images the sandbox serves (lib/validation/base-images.ts BASE_IMAGE_IDS). */
export const SANDBOX_REGISTRY_IMAGES = [
  "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
  "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest",
  "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04:latest",
  "mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:latest",
] as const;

export const REGISTRY_HOST = "mcr.microsoft.com";
export const OCI_INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

export type ContainerRegistrySnapshot = { generations: Record<string, number> };

type Manifest = { body: Buffer; digest: string; mediaType: string };

export class ContainerRegistryState {
  /** `<repository>:<tag>` → how many times it was moved forward. */
  readonly generations = new Map<string, number>();

  restore(snapshot: ContainerRegistrySnapshot | undefined): void {
    for (const [key, value] of Object.entries(snapshot?.generations ?? {})) {
      if (isServedKey(key) && Number.isSafeInteger(value) && value >= 0) this.generations.set(key, value);
    }
  }

  toSnapshot(): ContainerRegistrySnapshot {
    return { generations: Object.fromEntries(this.generations) };
  }

  /** The current digest of an image (`mcr.microsoft.com/<repository>:<tag>`), undefined when not served. */
  digestOf(image: string): string | undefined {
    const key = imageKey(image);
    return key ? this.index(key, this.generation(key)).digest : undefined;
  }

  /** Publishes a new manifest for the image's tag; resolves to the old and new digests. */
  advance(image: string): { image: string; previousDigest: string; digest: string } | undefined {
    const key = imageKey(image);
    if (!key) return undefined;
    const previousDigest = this.index(key, this.generation(key)).digest;
    this.generations.set(key, this.generation(key) + 1);
    return { image, previousDigest, digest: this.index(key, this.generation(key)).digest };
  }

  list(): { image: string; digest: string; generation: number }[] {
    return SANDBOX_REGISTRY_IMAGES.map((image) => {
      const key = imageKey(image) ?? "";
      return { image, digest: this.index(key, this.generation(key)).digest, generation: this.generation(key) };
    });
  }

  /** The manifest a repository's tag or digest names (every generation stays pullable by digest). */
  resolve(repository: string, reference: string): Manifest | undefined {
    if (!reference.startsWith("sha256:")) {
      const key = `${repository}:${reference}`;
      return isServedKey(key) ? this.index(key, this.generation(key)) : undefined;
    }
    for (const image of SANDBOX_REGISTRY_IMAGES) {
      const key = imageKey(image) ?? "";
      if (!key.startsWith(`${repository}:`)) continue;
      for (let g = this.generation(key); g >= 0; g--) {
        const index = this.index(key, g);
        if (index.digest === reference) return index;
        const platform = this.platformManifest(key, g);
        if (platform.digest === reference) return platform;
      }
    }
    return undefined;
  }

  private generation(key: string): number {
    return this.generations.get(key) ?? 0;
  }

  private platformManifest(key: string, generation: number): Manifest {
    const layer = sha256(`${key}#${generation}#layer`);
    const config = sha256(`${key}#${generation}#config`);
    const json = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_TYPE,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${config}`, size: 7023 },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: `sha256:${layer}`, size: 32654 + generation }],
    };
    return manifest(json, OCI_MANIFEST_TYPE);
  }

  private index(key: string, generation: number): Manifest {
    const platform = this.platformManifest(key, generation);
    const json = {
      schemaVersion: 2,
      mediaType: OCI_INDEX_TYPE,
      manifests: [{ mediaType: OCI_MANIFEST_TYPE, digest: platform.digest, size: platform.body.length, platform: { architecture: "amd64", os: "linux" } }],
      annotations: { "org.opencontainers.image.revision": String(generation) },
    };
    return manifest(json, OCI_INDEX_TYPE);
  }
}

/** The registry's routes; `baseUrl` is where its token endpoint (the realm) is reached. */
export function createContainerRegistryRouter(state: ContainerRegistryState): Router {
  const tokens = new Set<string>();
  const router = new Router();
  router.add("GET", "/v2", () => ({ status: 200, headers: { "docker-distribution-api-version": "registry/2.0" }, json: {} }));
  router.add("GET", "/oauth2/token", (req) => {
    const scope = req.url.searchParams.get("scope") ?? "";
    if (!/^repository:[a-z0-9._/-]+:pull$/.test(scope)) return registryError(400, "UNAUTHORIZED", "scope must be repository:<name>:pull");
    const token = randomBytes(24).toString("base64url");
    tokens.add(token);
    return { status: 200, json: { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() } };
  });
  // {name*} is greedy: repositories have slashes (azureml/curated/…).
  router.add("GET", "/v2/{rest*}", (req) => manifestResponse(state, tokens, req));
  return router;
}

function manifestResponse(state: ContainerRegistryState, tokens: Set<string>, req: SandboxRequest): SandboxResponse {
  const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(req.path);
  if (!m?.[1] || !m[2]) return registryError(404, "NAME_UNKNOWN", "repository name not known to registry");
  const [, repository, reference] = m;
  const bearer = /^bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (!bearer || !tokens.has(bearer)) {
    const host = new URL(req.baseUrl).host;
    return {
      ...registryError(401, "UNAUTHORIZED", "authentication required"),
      headers: { "www-authenticate": `Bearer realm="${req.baseUrl}/oauth2/token",service="${host}",scope="repository:${repository}:pull"`, "docker-distribution-api-version": "registry/2.0" },
    };
  }
  const manifest = state.resolve(repository, reference);
  if (!manifest) return registryError(404, "MANIFEST_UNKNOWN", `manifest unknown: ${repository}:${reference}`);
  return {
    status: 200,
    body: manifest.body,
    headers: { "content-type": manifest.mediaType, "docker-content-digest": manifest.digest, etag: `"${manifest.digest}"`, "docker-distribution-api-version": "registry/2.0" },
  };
}

/** The distribution spec's error body. */
export function registryError(status: number, code: string, message: string): SandboxResponse {
  return { status, json: { errors: [{ code, message, detail: {} }] } };
}

/** `mcr.microsoft.com/<repository>:<tag>` → `<repository>:<tag>` for a served image. */
function imageKey(image: string): string | undefined {
  if (!(SANDBOX_REGISTRY_IMAGES as readonly string[]).includes(image)) return undefined;
  return image.slice(REGISTRY_HOST.length + 1);
}

function isServedKey(key: string): boolean {
  return (SANDBOX_REGISTRY_IMAGES as readonly string[]).includes(`${REGISTRY_HOST}/${key}`);
}

function manifest(json: unknown, mediaType: string): Manifest {
  const body = Buffer.from(JSON.stringify(json, null, 2));
  return { body, digest: `sha256:${sha256(body)}`, mediaType };
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
