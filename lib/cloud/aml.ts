/**
 * Azure Machine Learning: the workspace, its default blob datastore and environment
 * versions through @azure/arm-machinelearning (api-version 2022-10-01), plus the
 * environment image data plane (cloud-contracts §2.6), which ARM does not expose: build
 * trigger, status location and the growing build log.
 */
import type { TokenCredential } from "@azure/core-auth";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { StorageSharedKeyCredential, BlobServiceClient } from "@azure/storage-blob";
import { CloudError, describeFetchError, isTransientStatus, parseRetryAfter } from "./cloud-error";

export interface WorkspaceFacts {
  id: string;
  location: string;
  publicNetworkAccess?: string;
  storageAccount?: string;
  containerRegistry?: string;
  imageBuildCompute?: string;
  discoveryUrl?: string;
  privateEndpoints: { id: string; status?: string }[];
}

export interface WorkspaceRef {
  resourceGroup: string;
  workspace: string;
}

export interface BuildContextFile {
  path: string;
  content: string;
}

export type ImageBuildState = "Queued" | "GettingOrProvisioningACR" | "Running" | "Succeeded" | "Failed" | "Canceled" | string;

export interface AmlClient {
  getWorkspace(ref: WorkspaceRef): Promise<WorkspaceFacts>;
  /** Uploads the Docker build context to the workspace's default datastore; returns its contextUri. */
  uploadBuildContext(ref: WorkspaceRef, prefix: string, files: BuildContextFile[]): Promise<string>;
  ensureEnvironmentVersion(ref: WorkspaceRef, env: { name: string; version: string; contextUri: string; description: string; tags: Record<string, string> }): Promise<{ id: string; created: boolean }>;
  triggerImageBuild(ref: WorkspaceRef, name: string, version: string): Promise<{ location: string }>;
  getImageBuild(location: string): Promise<{ status: ImageBuildState; logUrl?: string }>;
  /** Reads the log from a byte offset; the log grows while the build runs. */
  readBuildLog(logUrl: string, fromByte: number): Promise<{ text: string; nextByte: number }>;
}

export interface AmlOptions {
  credential: TokenCredential;
  subscriptionId: string;
  endpoint: string;
  /** Token scope for the data plane (real Azure: https://management.azure.com/.default). */
  dataPlaneScope: string;
  /**
   * The blob endpoint of the default datastore. Real Azure derives it from the datastore
   * (`https://{account}.blob.{endpoint}`); the sandbox's Azurite serves one account on a port.
   */
  blobEndpointOverride?: string;
  fetch?: typeof fetch;
}

export function createAmlClient(options: AmlOptions): AmlClient {
  const aml = new AzureMachineLearningWorkspaces(options.credential, options.subscriptionId, { endpoint: options.endpoint });
  const doFetch = options.fetch ?? fetch;
  const discovery = new Map<string, string>();

  const dataPlaneBase = async (ref: WorkspaceRef) => {
    const key = `${ref.resourceGroup}/${ref.workspace}`;
    if (!discovery.has(key)) {
      const ws = await client.getWorkspace(ref);
      if (!ws.discoveryUrl) throw new CloudError(`Workspace ${ref.workspace} reports no discoveryUrl`, { service: "aml", isTransient: false });
      discovery.set(key, new URL(ws.discoveryUrl).origin);
    }
    return discovery.get(key) as string;
  };
  const workspacePath = (ref: WorkspaceRef) =>
    `/subscriptions/${enc(options.subscriptionId)}/resourceGroups/${enc(ref.resourceGroup)}/providers/Microsoft.MachineLearningServices/workspaces/${enc(ref.workspace)}`;

  async function dataPlane(method: string, url: string, what: string, body?: unknown): Promise<Response> {
    const token = await options.credential.getToken(options.dataPlaneScope);
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers: { Authorization: `Bearer ${token?.token ?? ""}`, Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new CloudError(`Azure ML ${what}: no answer (${describeFetchError(error)})`, { service: "aml", isTransient: true });
    }
    if (res.status >= 400) {
      const text = await res.text().catch(() => "");
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // plain text body
      }
      throw new CloudError(`Azure ML ${what} failed (${res.status}): ${message}`, {
        service: "aml",
        status: res.status,
        retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
        isTransient: isTransientStatus(res.status),
      });
    }
    return res;
  }

  const client: AmlClient = {
    async getWorkspace(ref) {
      const ws = await guard(`reading workspace ${ref.workspace}`, () => aml.workspaces.get(ref.resourceGroup, ref.workspace));
      return {
        id: ws.id ?? workspacePath(ref),
        location: ws.location ?? "",
        publicNetworkAccess: ws.publicNetworkAccess,
        storageAccount: ws.storageAccount,
        containerRegistry: ws.containerRegistry,
        imageBuildCompute: ws.imageBuildCompute,
        discoveryUrl: ws.discoveryUrl,
        privateEndpoints: (ws.privateEndpointConnections ?? []).map((p) => ({ id: p.id ?? "", status: p.privateLinkServiceConnectionState?.status })),
      };
    },
    async uploadBuildContext(ref, prefix, files) {
      const store = await guard("reading the default datastore", () => aml.datastores.get(ref.resourceGroup, ref.workspace, "workspaceblobstore"));
      const props = store.properties as { accountName?: string; containerName?: string; endpoint?: string; protocol?: string };
      const secrets = await guard("reading datastore secrets", () => aml.datastores.listSecrets(ref.resourceGroup, ref.workspace, "workspaceblobstore"));
      const key = (secrets as { key?: string }).key;
      if (!props.accountName || !props.containerName || !key) {
        throw new CloudError("The default datastore has no account key: Feedgate cannot upload the build context", { service: "aml", isTransient: false });
      }
      const endpoint = options.blobEndpointOverride ?? `${props.protocol ?? "https"}://${props.accountName}.blob.${props.endpoint ?? "core.windows.net"}`;
      const service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(props.accountName, key));
      const container = service.getContainerClient(props.containerName);
      await guardBlob("creating the datastore container", () => container.createIfNotExists());
      for (const f of files) {
        const blob = container.getBlockBlobClient(`${prefix}/${f.path}`);
        await guardBlob(`uploading ${f.path}`, () => blob.upload(f.content, Buffer.byteLength(f.content)));
      }
      return `${container.url}/${prefix}/`;
    },
    async ensureEnvironmentVersion(ref, env) {
      try {
        const existing = await aml.environmentVersions.get(ref.resourceGroup, ref.workspace, env.name, env.version);
        return { id: existing.id ?? "", created: false };
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw toCloudError("aml", `reading environment ${env.name}:${env.version}`, error);
      }
      const created = await guard(`creating environment ${env.name}:${env.version}`, () =>
        aml.environmentVersions.createOrUpdate(ref.resourceGroup, ref.workspace, env.name, env.version, {
          properties: {
            description: env.description,
            tags: env.tags,
            build: { contextUri: env.contextUri, dockerfilePath: "Dockerfile" },
            osType: "Linux",
          },
        }),
      );
      return { id: created.id ?? "", created: true };
    },
    async triggerImageBuild(ref, name, version) {
      const base = await dataPlaneBase(ref);
      const url = `${base}/environment/v2.0${workspacePath(ref)}/environments/${enc(name)}/versions/${enc(version)}/image`;
      const res = await dataPlane("POST", url, `starting the image build of ${name}:${version}`, {});
      const body = (await res.json().catch(() => ({}))) as { location?: string };
      const location = body.location ?? res.headers.get("location") ?? undefined;
      if (!location) throw new CloudError("Azure ML accepted the build but gave no status location", { service: "aml", isTransient: false });
      return { location };
    },
    async getImageBuild(location) {
      const res = await dataPlane("GET", location, "reading the image build status");
      const body = (await res.json()) as { status?: string; logUrl?: string };
      return { status: body.status ?? "Queued", logUrl: body.logUrl };
    },
    async readBuildLog(logUrl, fromByte) {
      // The log URL carries its own SAS: no Authorization header.
      let res: Response;
      try {
        res = await doFetch(logUrl, { headers: fromByte > 0 ? { Range: `bytes=${fromByte}-` } : {}, signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        throw new CloudError(`reading the build log: no answer (${describeFetchError(error)})`, { service: "aml", isTransient: true });
      }
      // 416: nothing new past fromByte. 404: the log blob is created when the build starts writing.
      if (res.status === 416 || res.status === 404) return { text: "", nextByte: fromByte };
      if (!res.ok) throw new CloudError(`reading the build log failed (${res.status})`, { service: "aml", status: res.status, isTransient: isTransientStatus(res.status) });
      const bytes = Buffer.from(await res.arrayBuffer());
      // A server that ignores Range sends the whole log: keep only the new part.
      const fresh = res.status === 206 ? bytes : bytes.subarray(Math.min(fromByte, bytes.length));
      return { text: fresh.toString("utf8"), nextByte: fromByte + fresh.length };
    },
  };
  return client;
}

function enc(s: string) {
  return encodeURIComponent(s);
}

async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toCloudError("aml", what, error);
  }
}

async function guardBlob<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toCloudError("blob", what, error);
  }
}

function toCloudError(service: "aml" | "blob", what: string, error: unknown): CloudError {
  if (error instanceof CloudError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  return new CloudError(`${service === "aml" ? "Azure ML" : "Blob storage"} ${what} failed${e.statusCode ? ` (${e.statusCode})` : ""}: ${e.message ?? String(error)}`, {
    service,
    status: e.statusCode,
    code: e.code,
    isTransient: isTransientStatus(e.statusCode),
  });
}
