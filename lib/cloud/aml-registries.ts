/**
 * Azure ML registries (cloud-contracts §2.4): @azure/arm-machinelearning 2.1.1 has no registry
 * operations, so they are raw REST at api-version 2024-04-01, sent through the 2.1.1 client's own
 * pipeline (`ServiceClient.sendRequest`): the same credential, bearer-token policy, scopes, retry
 * and user agent as every other Azure ML call.
 */
import type { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { ReadOptions } from "./arm";
import { CloudError, describeFetchError, isTransientStatus, parseRetryAfter } from "./cloud-error";

export const REGISTRY_API_VERSION = "2024-04-01";

export interface RegistryRef {
  subscriptionId: string;
  resourceGroup: string;
  registry: string;
}

export interface RegistryFacts {
  id: string;
  name: string;
  location: string;
}

export interface RegistryEnvironmentVersionFacts {
  id: string;
  /** `azureml://registries/{r}/environments/{name}/versions/{v}` */
  assetUri: string;
  provisioningState?: string;
}

export interface PublishDestination {
  registryName: string;
  destinationName: string;
  destinationVersion: string;
}

export interface PublishOperationState {
  status: string;
  isTerminal: boolean;
  error?: { code?: string; message?: string };
  retryAfterMs?: number;
}

export interface AmlRegistryOperations {
  /** The registry, or undefined when it does not exist (404). */
  getRegistry(ref: RegistryRef, read?: ReadOptions): Promise<RegistryFacts | undefined>;
  /** A registry environment version, or undefined when it is not there (404). */
  getRegistryEnvironmentVersion(ref: RegistryRef, name: string, version: string, read?: ReadOptions): Promise<RegistryEnvironmentVersionFacts | undefined>;
  /** Starts publishing a workspace environment version to a registry (LRO); returns the URL to poll. */
  publishEnvironmentVersion(ws: { resourceGroup: string; workspace: string }, name: string, version: string, destination: PublishDestination): Promise<{ operationUrl: string; retryAfterMs?: number }>;
  /** One poll of a publish operation (its Azure-AsyncOperation URL, or its Location URL). */
  getPublishOperation(operationUrl: string, read?: ReadOptions): Promise<PublishOperationState>;
}

const TERMINAL = new Set(["succeeded", "failed", "canceled", "cancelled"]);

export function registryAssetUri(registry: string, name: string, version: string): string {
  return `azureml://registries/${registry}/environments/${name}/versions/${version}`;
}

export function createAmlRegistryOperations(client: AzureMachineLearningWorkspaces, options: { endpoint: string; subscriptionId: string }): AmlRegistryOperations {
  const origin = new URL(options.endpoint).origin;
  const send = (method: "GET" | "POST", url: string, what: string, body?: unknown, read?: ReadOptions) => sendRaw(client, { method, url, what, body, read });
  const registryUrl = (ref: RegistryRef, tail = "") =>
    `${origin}/subscriptions/${enc(ref.subscriptionId)}/resourceGroups/${enc(ref.resourceGroup)}/providers/Microsoft.MachineLearningServices/registries/${enc(ref.registry)}${tail}?api-version=${REGISTRY_API_VERSION}`;

  return {
    async getRegistry(ref, read) {
      const res = await send("GET", registryUrl(ref), `reading registry ${ref.registry}`, undefined, read);
      if (res.status === 404) return undefined;
      const body = parseBody(res) as { id?: string; name?: string; location?: string };
      return { id: body.id ?? "", name: body.name ?? ref.registry, location: body.location ?? "" };
    },
    async getRegistryEnvironmentVersion(ref, name, version, read) {
      const res = await send("GET", registryUrl(ref, `/environments/${enc(name)}/versions/${enc(version)}`), `reading ${name}:${version} in registry ${ref.registry}`, undefined, read);
      if (res.status === 404) return undefined;
      const body = parseBody(res) as { id?: string; properties?: { provisioningState?: string } };
      return { id: body.id ?? "", assetUri: registryAssetUri(ref.registry, name, version), provisioningState: body.properties?.provisioningState };
    },
    async publishEnvironmentVersion(ws, name, version, destination) {
      const url = `${origin}/subscriptions/${enc(options.subscriptionId)}/resourceGroups/${enc(ws.resourceGroup)}/providers/Microsoft.MachineLearningServices/workspaces/${enc(ws.workspace)}/environments/${enc(name)}/versions/${enc(version)}/publish?api-version=${REGISTRY_API_VERSION}`;
      const res = await send("POST", url, `publishing ${name}:${version} to registry ${destination.registryName}`, destination);
      if (res.status === 404) throw new CloudError(`Azure ML publishing ${name}:${version} failed (404): ${errorMessage(res)}`, { service: "aml", status: 404, isTransient: false });
      const operationUrl = res.headers.get("azure-asyncoperation") ?? res.headers.get("location");
      if (!operationUrl) throw new CloudError("Azure ML accepted the publish but gave no operation URL", { service: "aml", isTransient: false });
      return { operationUrl: sameOrigin(operationUrl, origin), retryAfterMs: parseRetryAfter(res.headers.get("retry-after")) };
    },
    async getPublishOperation(operationUrl, read) {
      const res = await send("GET", sameOrigin(operationUrl, origin), "polling a publish operation", undefined, read);
      if (res.status === 404) throw new CloudError("Azure ML no longer knows the publish operation (404)", { service: "aml", status: 404, isTransient: false });
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      // A Location URL answers 202 while running and 200/204 once done; an Azure-AsyncOperation URL carries {status}.
      if (res.status === 202) return { status: "InProgress", isTerminal: false, retryAfterMs };
      const body = parseBody(res) as { status?: unknown; error?: { code?: string; message?: string } };
      const status = typeof body.status === "string" ? body.status : "Succeeded";
      return { status, isTerminal: TERMINAL.has(status.toLowerCase()), error: body.error, retryAfterMs };
    },
  };
}

/**
 * One request through the SDK client's pipeline. Errors other than 404 become CloudErrors
 * (transient for throttling and 5xx); 404 is returned for the caller to read as "not there".
 */
async function sendRaw(client: AzureMachineLearningWorkspaces, call: { method: "GET" | "POST"; url: string; what: string; body?: unknown; read?: ReadOptions }): Promise<PipelineResponse> {
  const { method, url, what, body, read } = call;
  if (method === "GET") await read?.readBudget?.take(read.signal);
  const request = createPipelineRequest({ url, method, timeout: 30_000, abortSignal: read?.signal, body: body === undefined ? undefined : JSON.stringify(body) });
  request.headers.set("Accept", "application/json");
  if (body !== undefined) request.headers.set("Content-Type", "application/json");
  let res: PipelineResponse;
  try {
    res = await client.sendRequest(request);
  } catch (error) {
    const e = error as { statusCode?: number; response?: PipelineResponse };
    if (e.response) res = e.response;
    else throw new CloudError(`Azure ML ${what}: no answer (${describeFetchError(error)})`, { service: "aml", isTransient: true });
  }
  if (res.status === 429) await read?.readBudget?.throttled(parseRetryAfter(res.headers.get("retry-after")));
  if (res.status >= 400 && res.status !== 404) {
    const code = errorCode(res);
    throw new CloudError(`Azure ML ${what} failed (${res.status}): ${errorMessage(res)}`, {
      service: "aml",
      status: res.status,
      code,
      retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
      isTransient: isTransientStatus(res.status),
    });
  }
  return res;
}

/** The bearer token goes only to the Azure ML endpoint the client was made for, whatever a header says. */
function sameOrigin(url: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CloudError("Azure ML returned an operation URL that is not a URL", { service: "aml", isTransient: false });
  }
  if (parsed.origin !== origin) throw new CloudError(`Azure ML returned an operation URL on another host (${parsed.host})`, { service: "aml", isTransient: false });
  return parsed.toString();
}

function parseBody(res: PipelineResponse): unknown {
  try {
    return res.bodyAsText ? (JSON.parse(res.bodyAsText) as unknown) : {};
  } catch {
    return {};
  }
}

function errorMessage(res: PipelineResponse): string {
  const body = parseBody(res) as { error?: { message?: unknown } };
  return typeof body.error?.message === "string" ? body.error.message.slice(0, 500) : (res.bodyAsText ?? "").slice(0, 300);
}

function errorCode(res: PipelineResponse): string | undefined {
  const body = parseBody(res) as { error?: { code?: unknown } };
  return typeof body.error?.code === "string" ? body.error.code : undefined;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
