/**
 * Azure Resource Manager: resource groups (@azure/arm-resources) and resource-group
 * deployments (@azure/arm-resourcesdeployments, where deployments live since 7.0).
 * Submitting and following are separate calls so a job can checkpoint between them:
 * a restarted worker follows the existing deployment instead of PUTting it again.
 *
 * Reads can be paced by a ReadBudget (per call): every GET of a deployment, of its async
 * operation and of each page of operations takes one token first, and a 429 gives the budget
 * ARM's Retry-After. Answers carry Retry-After too, so a poller can wait as long as ARM asks.
 */
import type { TokenCredential } from "@azure/core-auth";
import { ResourceManagementClient } from "@azure/arm-resources";
import { DeploymentsClient, type DeploymentOperation } from "@azure/arm-resourcesdeployments";
import { CloudError, describeFetchError, isTransientStatus, parseRetryAfter } from "./cloud-error";

/**
 * A budget of reads shared by every worker (lib/jobs/read-budget implements it in the database).
 * The cloud clients take a token before each read and report throttling; they know no more.
 */
export interface ReadBudget {
  /** Resolves once a read may be sent: at once, unless the budget is spent or held (it may then throw its own error). */
  take(signal?: AbortSignal): Promise<void>;
  /** The service answered 429: hold reads for `retryAfterMs` and shrink the budget. */
  throttled(retryAfterMs: number | undefined): Promise<void>;
}

/** Options of a read: the budget it spends, and the signal that abandons it. */
export interface ReadOptions {
  readBudget?: ReadBudget;
  signal?: AbortSignal;
}

export interface ResourceOperation {
  /** Deployment that owns the operation; nested module deployments are followed. */
  deployment: string;
  resourceType: string;
  resourceName: string;
  state: string;
  statusCode?: string;
  error?: { code?: string; message?: string };
  timestamp?: string;
}

export interface DeploymentStatus {
  state: string;
  isTerminal: boolean;
  error?: { code?: string; message?: string };
  outputs?: Record<string, unknown>;
  /** The answer's Retry-After: the earliest ARM wants to be asked again. */
  retryAfterMs?: number;
}

export interface SubmittedDeployment extends DeploymentStatus {
  /** The PUT's Azure-AsyncOperation: the operation status to poll. */
  statusUrl?: string;
}

/** One poll of an Azure-AsyncOperation URL (ARM's async operation format). */
export interface OperationStatus {
  status: string;
  isTerminal: boolean;
  error?: { code?: string; message?: string };
  retryAfterMs?: number;
}

export interface ArmClient {
  ensureResourceGroup(name: string, location: string, tags?: Record<string, string>): Promise<void>;
  submitDeployment(input: { resourceGroup: string; name: string; template: object; parameters: Record<string, unknown> }): Promise<SubmittedDeployment>;
  /** undefined when ARM has no deployment by that name. */
  getDeployment(resourceGroup: string, name: string, options?: ReadOptions): Promise<DeploymentStatus | undefined>;
  /** Polls the PUT's Azure-AsyncOperation URL; undefined when ARM no longer knows it (404). */
  getOperationStatus(statusUrl: string, options?: ReadOptions): Promise<OperationStatus | undefined>;
  /**
   * The operations of the deployment and of its nested deployments. A nested deployment that
   * `settled` (a previous answer) shows as finished, operations included, is not listed again:
   * its operations do not change any more.
   */
  listOperations(resourceGroup: string, name: string, options?: ReadOptions & { settled?: readonly ResourceOperation[] }): Promise<ResourceOperation[]>;
  cancelDeployment(resourceGroup: string, name: string): Promise<void>;
  /** The address prefixes of a virtual network, by its id or one of its subnets' ids; undefined when ARM has no such network. */
  getVirtualNetworkAddressSpace(vnetOrSubnetId: string): Promise<string[] | undefined>;
}

export interface ArmOptions {
  credential: TokenCredential;
  subscriptionId: string;
  /** https://management.azure.com, or the sandbox. */
  endpoint: string;
  /** For the async operation polls the SDK does not make (default: global fetch). */
  fetch?: typeof fetch;
}

export function createArmClient(options: ArmOptions): ArmClient {
  const clientOptions = { endpoint: options.endpoint, retryOptions: { maxRetries: 3 } };
  const resources = new ResourceManagementClient(options.credential, options.subscriptionId, clientOptions);
  const deployments = new DeploymentsClient(options.credential, options.subscriptionId, clientOptions);

  const toStatus = (d: { properties?: { provisioningState?: string; error?: { code?: string; message?: string; details?: { code?: string; message?: string }[] }; outputs?: unknown } }): DeploymentStatus => {
    const state = d.properties?.provisioningState ?? "NotSpecified";
    const err = d.properties?.error;
    const detail = err?.details?.[0];
    return {
      state,
      isTerminal: TERMINAL_STATES.has(state.toLowerCase()),
      error: err ? { code: detail?.code ?? err.code, message: detail?.message ?? err.message } : undefined,
      outputs: d.properties?.outputs as Record<string, unknown> | undefined,
    };
  };

  const client: ArmClient = {
    async ensureResourceGroup(name, location, tags) {
      await guard(`creating resource group ${name}`, () => resources.resourceGroups.createOrUpdate(name, { location, tags }));
    },
    async submitDeployment({ resourceGroup, name, template, parameters }) {
      const body = {
        properties: {
          mode: "Incremental" as const,
          template,
          parameters: Object.fromEntries(Object.entries(parameters).map(([k, value]) => [k, { value }])),
        },
      };
      let answer: Answer | undefined;
      // Only the initial PUT: following happens through getOperationStatus and getDeployment,
      // which survive restarts. Its answer is the deployment as accepted, and where to poll.
      const poller = deployments.deployments.createOrUpdate(resourceGroup, name, body, { onResponse: (raw) => (answer = raw) });
      await guard(`submitting deployment ${name}`, () => poller.submitted());
      const accepted = answer?.parsedBody ? toStatus(answer.parsedBody as Parameters<typeof toStatus>[0]) : { state: "Accepted", isTerminal: false };
      return { ...accepted, statusUrl: answer?.headers.get("azure-asyncoperation") ?? undefined, retryAfterMs: parseRetryAfter(answer?.headers.get("retry-after")) };
    },
    async getDeployment(resourceGroup, name, read = {}) {
      let answer: Answer | undefined;
      await read.readBudget?.take(read.signal);
      try {
        const deployment = await reportingThrottling(read, () => deployments.deployments.get(resourceGroup, name, { abortSignal: read.signal, onResponse: (raw) => (answer = raw) }));
        return { ...toStatus(deployment), retryAfterMs: parseRetryAfter(answer?.headers.get("retry-after")) };
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw toCloudError(`reading deployment ${name}`, error);
      }
    },
    getOperationStatus: (statusUrl, read = {}) => getOperationStatus(options, statusUrl, read),
    async listOperations(resourceGroup, name, read = {}) {
      const out: ResourceOperation[] = [];
      const settled = read.settled ?? [];
      const visit = async (deployment: string, depth: number) => {
        const ops = depth > 0 && hasSettled(settled, deployment) ? settled.filter((o) => o.deployment === deployment) : await listOnce(deployment, depth);
        for (const op of ops) {
          out.push(op);
          if (op.resourceType.toLowerCase() === NESTED && op.resourceName && depth < 3) await visit(op.resourceName, depth + 1);
        }
      };
      const listOnce = async (deployment: string, depth: number): Promise<ResourceOperation[]> => {
        const ops: ResourceOperation[] = [];
        let pages = 0;
        await read.readBudget?.take(read.signal);
        try {
          await reportingThrottling(read, async () => {
            for await (const page of deployments.deploymentOperations.list(resourceGroup, deployment, { abortSignal: read.signal }).byPage()) {
              pages++;
              for (const op of page) {
                const mapped = toResourceOperation(deployment, op);
                if (mapped) ops.push(mapped);
              }
            }
          });
        } catch (error) {
          // A nested deployment is listed as an operation of its parent before ARM knows it
          // by name: until then it simply has no operations of its own.
          if (depth > 0 && (error as { statusCode?: number }).statusCode === 404) return [];
          throw toCloudError(`listing operations of ${deployment}`, error);
        }
        // Each page after the first was one more read: spent after the fact, as the pager fetches them.
        for (let page = 1; page < pages; page++) await read.readBudget?.take(read.signal);
        return ops;
      };
      await visit(name, 0);
      return out;
    },
    async getVirtualNetworkAddressSpace(vnetOrSubnetId) {
      const vnetId = vnetOrSubnetId.replace(/\/subnets\/[^/]+$/i, "");
      try {
        const vnet = await resources.resources.getById(vnetId, "2023-04-01");
        const prefixes = (vnet.properties as { addressSpace?: { addressPrefixes?: unknown } } | undefined)?.addressSpace?.addressPrefixes;
        return Array.isArray(prefixes) ? prefixes.filter((p): p is string => typeof p === "string") : [];
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw toCloudError(`reading virtual network ${vnetId.split("/").pop() ?? ""}`, error);
      }
    },
    async cancelDeployment(resourceGroup, name) {
      await guard(`cancelling deployment ${name}`, () => deployments.deployments.cancel(resourceGroup, name));
    },
  };
  return client;
}

type Answer = { headers: { get(name: string): string | undefined }; parsedBody?: unknown };

const NESTED = "microsoft.resources/deployments";
const TERMINAL_STATES = new Set(["succeeded", "failed", "canceled", "cancelled"]);

/**
 * One read, whose token the caller took first (outside any error mapping: a budget that cannot
 * give one in time throws its own error, for the caller's caller): a 429 is reported to the budget
 * with its Retry-After.
 */
async function reportingThrottling<T>(read: ReadOptions, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { statusCode?: number; details?: { status?: number; retryAfterMs?: number } };
    if (e.statusCode === 429 || e.details?.status === 429) await read.readBudget?.throttled(retryAfterOf(error));
    throw error;
  }
}

/** The nested deployment finished, by a previous answer that listed its operations too. */
function hasSettled(settled: readonly ResourceOperation[], deployment: string): boolean {
  const parent = settled.find((o) => o.resourceType.toLowerCase() === NESTED && o.resourceName === deployment);
  return parent !== undefined && TERMINAL_STATES.has(parent.state.toLowerCase()) && settled.some((o) => o.deployment === deployment);
}

function toResourceOperation(deployment: string, op: DeploymentOperation): ResourceOperation | undefined {
  const p = op.properties;
  const target = p?.targetResource;
  if (!target?.resourceType) return undefined;
  const statusMessage = p?.statusMessage as { error?: { code?: string; message?: string; details?: { code?: string; message?: string }[] } } | undefined;
  const err = statusMessage?.error;
  return {
    deployment,
    resourceType: target.resourceType,
    resourceName: target.resourceName ?? "",
    state: p?.provisioningState ?? "NotSpecified",
    statusCode: p?.statusCode,
    error: err ? { code: err.details?.[0]?.code ?? err.code, message: err.details?.[0]?.message ?? err.message } : undefined,
    timestamp: p?.timestamp?.toISOString(),
  };
}

/**
 * GET of an Azure-AsyncOperation URL with the client's credential (ARM's async operation
 * protocol: `{status, error?}` plus Retry-After; learn.microsoft.com/azure/azure-resource-manager/management/async-operations).
 */
async function getOperationStatus(options: ArmOptions, statusUrl: string, read: ReadOptions): Promise<OperationStatus | undefined> {
  const token = await options.credential.getToken(`${options.endpoint.replace(/\/+$/, "")}/.default`);
  await read.readBudget?.take(read.signal);
  const res = await reportingThrottling(read, async () => {
    let answer: Response;
    try {
      answer = await (options.fetch ?? fetch)(statusUrl, { headers: { Authorization: `Bearer ${token?.token ?? ""}`, Accept: "application/json" }, signal: read.signal ? AbortSignal.any([read.signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new CloudError(`ARM polling a deployment's operation status: no answer (${describeFetchError(error)})`, { service: "arm", isTransient: true });
    }
    if (answer.status >= 400 && answer.status !== 404) {
      const text = await answer.text().catch(() => "");
      const retryAfterMs = parseRetryAfter(answer.headers.get("retry-after"));
      throw new CloudError(`ARM polling a deployment's operation status failed (${answer.status}): ${armMessage(text)}`, { service: "arm", status: answer.status, retryAfterMs, isTransient: isTransientStatus(answer.status) });
    }
    return answer;
  });
  if (res.status === 404) return undefined;
  const body = (await res.json().catch(() => ({}))) as { status?: unknown; error?: { code?: string; message?: string } };
  const status = typeof body.status === "string" ? body.status : "Running";
  return { status, isTerminal: TERMINAL_STATES.has(status.toLowerCase()), error: body.error, retryAfterMs: parseRetryAfter(res.headers.get("retry-after")) };
}

function armMessage(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

function retryAfterOf(error: unknown): number | undefined {
  const e = error as { details?: { retryAfterMs?: number }; response?: { headers?: { get(n: string): string | undefined } } };
  return e.details?.retryAfterMs ?? parseRetryAfter(e.response?.headers?.get("retry-after"));
}

async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toCloudError(what, error);
  }
}

function toCloudError(what: string, error: unknown): CloudError {
  if (error instanceof CloudError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string; response?: { headers?: { get(n: string): string | undefined } } };
  return new CloudError(`ARM ${what} failed${e.statusCode ? ` (${e.statusCode})` : ""}: ${e.message ?? String(error)}`, {
    service: "arm",
    status: e.statusCode,
    code: e.code,
    retryAfterMs: parseRetryAfter(e.response?.headers?.get("retry-after")),
    isTransient: isTransientStatus(e.statusCode),
  });
}
