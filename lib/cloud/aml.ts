/**
 * Azure Machine Learning: the workspace, its default blob datastore, environment versions and
 * workspace connections through @azure/arm-machinelearning (api-version 2022-10-01), plus the
 * environment image data plane (cloud-contracts §2.6), which ARM does not expose: build
 * trigger, status location and the growing build log.
 */
import type { TokenCredential } from "@azure/core-auth";
import { AzureMachineLearningWorkspaces, type Workspace, type WorkspaceConnectionPropertiesV2BasicResource } from "@azure/arm-machinelearning";
import { StorageSharedKeyCredential, BlobServiceClient } from "@azure/storage-blob";
import { createAmlRegistryOperations, type AmlRegistryOperations } from "./aml-registries";
import type { ReadOptions } from "./arm";
import { CloudError, describeFetchError, isTransientStatus, parseRetryAfter } from "./cloud-error";

export interface WorkspaceFacts {
  id: string;
  location: string;
  publicNetworkAccess?: string;
  storageAccount?: string;
  containerRegistry?: string;
  imageBuildCompute?: string;
  discoveryUrl?: string;
  privateEndpoints: { id: string; status?: string; subnetId?: string }[];
}

/** A workspace as a subscription or resource-group listing shows it (the same facts as a GET). */
export interface DiscoveredWorkspace extends WorkspaceFacts {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
}

export interface WorkspaceRef {
  resourceGroup: string;
  workspace: string;
}

export interface BuildContextFile {
  path: string;
  content: string;
}

/** A workspace connection as Azure ML answers a GET: never its secret. */
export interface WorkspaceConnectionFacts {
  id: string;
  name: string;
  authType: string;
  category?: string;
  target?: string;
}

/** The data plane's image details of an environment version, as far as Feedgate reads them. */
export interface ImageDetails {
  exists: boolean;
  /** The image in the workspace's registry (`dockerImage.name`). */
  imageName?: string;
}

export type ImageBuildState = "Queued" | "GettingOrProvisioningACR" | "Running" | "Succeeded" | "Failed" | "Canceled" | string;

/** Registries (publish, registry versions) are raw REST through the same client: ./aml-registries.ts. */
export interface AmlClient extends AmlRegistryOperations {
  getWorkspace(ref: WorkspaceRef): Promise<WorkspaceFacts>;
  /** Every workspace of the subscription, or of one resource group (all pages). */
  listWorkspaces(options?: { resourceGroup?: string }): Promise<DiscoveredWorkspace[]>;
  /** Uploads the Docker build context to the workspace's default datastore; returns its contextUri. */
  uploadBuildContext(ref: WorkspaceRef, prefix: string, files: BuildContextFile[]): Promise<string>;
  /**
   * Creates or updates (PUT is idempotent) a `PythonFeed` connection with a PAT: image builds of
   * the workspace authenticate to every index whose URL starts with `target`. The PAT goes only
   * into the request body; Azure ML keeps it and never returns it.
   */
  ensurePythonFeedConnection(ref: WorkspaceRef, connection: { name: string; target: string; pat: string }): Promise<{ connection: WorkspaceConnectionFacts; created: boolean }>;
  getWorkspaceConnection(ref: WorkspaceRef, name: string): Promise<WorkspaceConnectionFacts | undefined>;
  ensureEnvironmentVersion(ref: WorkspaceRef, env: { name: string; version: string; contextUri: string; description: string; tags: Record<string, string> }): Promise<{ id: string; created: boolean }>;
  /**
   * Whether the data plane already has this version's image (its image details, cloud-contracts
   * §2.6: `imageExistsInRegistry`); undefined when the version is not registered. The data plane
   * offers no way to find a build that is still running, only whether one produced the image.
   */
  getImageDetails(ref: WorkspaceRef, name: string, version: string, read?: ReadOptions): Promise<ImageDetails | undefined>;
  triggerImageBuild(ref: WorkspaceRef, name: string, version: string): Promise<{ location: string }>;
  /** One poll of a build's status location, with the answer's Retry-After. */
  getImageBuild(location: string, read?: ReadOptions): Promise<{ status: ImageBuildState; logUrl?: string; retryAfterMs?: number }>;
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

  const dataPlane = (method: string, url: string, what: string, body?: unknown, read?: ReadOptions) => callDataPlane(options, doFetch, { method, url, what, body, read });

  const client: AmlClient = {
    async getWorkspace(ref) {
      const ws = await guard(`reading workspace ${ref.workspace}`, () => aml.workspaces.get(ref.resourceGroup, ref.workspace));
      return { ...workspaceFacts(ws), id: ws.id ?? workspacePath(ref) };
    },
    async listWorkspaces(listOptions) {
      const rg = listOptions?.resourceGroup;
      return guard(rg ? `listing the workspaces of resource group ${rg}` : "listing the workspaces of the subscription", async () => {
        const found: DiscoveredWorkspace[] = [];
        // The SDK's paged iterator follows nextLink.
        for await (const ws of rg ? aml.workspaces.listByResourceGroup(rg) : aml.workspaces.listBySubscription()) {
          const facts = workspaceFacts(ws);
          const scope = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(facts.id);
          found.push({ ...facts, name: ws.name ?? "", subscriptionId: scope?.[1] ?? options.subscriptionId, resourceGroup: scope?.[2] ?? rg ?? "" });
        }
        return found;
      });
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
    ensurePythonFeedConnection: (ref, connection) => ensurePythonFeedConnection(aml, ref, connection),
    getWorkspaceConnection: (ref, name) => getWorkspaceConnection(aml, ref, name),
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
    async getImageDetails(ref, name, version, read) {
      const base = await dataPlaneBase(ref);
      const url = `${base}/environment/v1.0${workspacePath(ref)}/environments/${enc(name)}/versions/${enc(version)}/image`;
      try {
        const res = await dataPlane("GET", url, `reading the image details of ${name}:${version}`, undefined, read);
        const body = (await res.json()) as { imageExistsInRegistry?: unknown; dockerImage?: { name?: unknown } };
        return { exists: body.imageExistsInRegistry === true, imageName: typeof body.dockerImage?.name === "string" ? body.dockerImage.name : undefined };
      } catch (error) {
        if (error instanceof CloudError && error.details.status === 404) return undefined;
        throw error;
      }
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
    async getImageBuild(location, read) {
      const res = await dataPlane("GET", location, "reading the image build status", undefined, read);
      const body = (await res.json()) as { status?: string; logUrl?: string };
      return { status: body.status ?? "Queued", logUrl: body.logUrl, retryAfterMs: parseRetryAfter(res.headers.get("retry-after")) };
    },
    readBuildLog: (logUrl, fromByte) => readLogFrom(doFetch, logUrl, fromByte),
    ...createAmlRegistryOperations(aml, options),
  };
  return client;
}

async function getWorkspaceConnection(aml: AzureMachineLearningWorkspaces, ref: WorkspaceRef, name: string): Promise<WorkspaceConnectionFacts | undefined> {
  try {
    return connectionFacts(await aml.workspaceConnections.get(ref.resourceGroup, ref.workspace, name));
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw toCloudError("aml", `reading workspace connection ${name}`, error);
  }
}

async function ensurePythonFeedConnection(aml: AzureMachineLearningWorkspaces, ref: WorkspaceRef, connection: { name: string; target: string; pat: string }) {
  const existing = await getWorkspaceConnection(aml, ref, connection.name);
  if (existing && existing.category !== undefined && existing.category !== "PythonFeed") {
    throw new CloudError(`Workspace connection ${connection.name} exists with category ${existing.category}, not PythonFeed: Feedgate will not overwrite it`, { service: "aml", isTransient: false });
  }
  const created = await guard(`saving workspace connection ${connection.name}`, () =>
    aml.workspaceConnections.create(ref.resourceGroup, ref.workspace, connection.name, {
      properties: { authType: "PAT", category: "PythonFeed", target: connection.target, credentials: { pat: connection.pat } },
    }),
  );
  return { connection: connectionFacts(created), created: existing === undefined };
}

function workspaceFacts(ws: Workspace): WorkspaceFacts {
  return {
    id: ws.id ?? "",
    location: ws.location ?? "",
    publicNetworkAccess: ws.publicNetworkAccess,
    storageAccount: ws.storageAccount,
    containerRegistry: ws.containerRegistry,
    imageBuildCompute: ws.imageBuildCompute,
    discoveryUrl: ws.discoveryUrl,
    privateEndpoints: (ws.privateEndpointConnections ?? []).map((p) => ({ id: p.id ?? "", status: p.privateLinkServiceConnectionState?.status, subnetId: p.privateEndpoint?.subnetArmId })),
  };
}

function connectionFacts(c: WorkspaceConnectionPropertiesV2BasicResource): WorkspaceConnectionFacts {
  return { id: c.id ?? "", name: c.name ?? "", authType: c.properties.authType, category: c.properties.category, target: c.properties.target };
}

/**
 * One authenticated call of the AML data plane (image builds), with errors mapped to CloudError.
 * A read spends a token of its budget first, and a 429 gives the budget its Retry-After.
 */
async function callDataPlane(options: AmlOptions, doFetch: typeof fetch, call: { method: string; url: string; what: string; body?: unknown; read?: ReadOptions }): Promise<Response> {
  const { method, url, what, body, read } = call;
  const token = await options.credential.getToken(options.dataPlaneScope);
  if (method === "GET") await read?.readBudget?.take(read.signal);
  let res: Response;
  try {
    res = await doFetch(url, {
      method,
      headers: { Authorization: `Bearer ${token?.token ?? ""}`, Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: read?.signal ? AbortSignal.any([read.signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CloudError(`Azure ML ${what}: no answer (${describeFetchError(error)})`, { service: "aml", isTransient: true });
  }
  if (res.status === 429) await read?.readBudget?.throttled(parseRetryAfter(res.headers.get("retry-after")));
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

/** New log text past fromByte; the log URL carries its own SAS. */
async function readLogFrom(doFetch: typeof fetch, logUrl: string, fromByte: number): Promise<{ text: string; nextByte: number }> {
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
