/**
 * Azure Resource Manager: resource groups (@azure/arm-resources) and resource-group
 * deployments (@azure/arm-resourcesdeployments, where deployments live since 7.0).
 * Submitting and following are separate calls so a job can checkpoint between them:
 * a restarted worker follows the existing deployment instead of PUTting it again.
 */
import type { TokenCredential } from "@azure/core-auth";
import { ResourceManagementClient } from "@azure/arm-resources";
import { DeploymentsClient, type DeploymentOperation } from "@azure/arm-resourcesdeployments";
import { CloudError, isTransientStatus } from "./cloud-error";

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
}

export interface ArmClient {
  ensureResourceGroup(name: string, location: string, tags?: Record<string, string>): Promise<void>;
  submitDeployment(input: { resourceGroup: string; name: string; template: object; parameters: Record<string, unknown> }): Promise<DeploymentStatus>;
  /** undefined when ARM has no deployment by that name. */
  getDeployment(resourceGroup: string, name: string): Promise<DeploymentStatus | undefined>;
  listOperations(resourceGroup: string, name: string): Promise<ResourceOperation[]>;
  cancelDeployment(resourceGroup: string, name: string): Promise<void>;
}

export interface ArmOptions {
  credential: TokenCredential;
  subscriptionId: string;
  /** https://management.azure.com, or the sandbox. */
  endpoint: string;
}

const TERMINAL = new Set(["succeeded", "failed", "canceled", "cancelled"]);

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
      isTerminal: TERMINAL.has(state.toLowerCase()),
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
      // Only the initial PUT: following happens through getDeployment, which survives restarts.
      const poller = deployments.deployments.createOrUpdate(resourceGroup, name, body);
      await guard(`submitting deployment ${name}`, () => poller.submitted());
      const current = await client.getDeployment(resourceGroup, name);
      return current ?? { state: "Accepted", isTerminal: false };
    },
    async getDeployment(resourceGroup, name) {
      try {
        return toStatus(await deployments.deployments.get(resourceGroup, name));
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw toCloudError(`reading deployment ${name}`, error);
      }
    },
    async listOperations(resourceGroup, name) {
      const out: ResourceOperation[] = [];
      const visit = async (deployment: string, depth: number) => {
        const ops: DeploymentOperation[] = [];
        try {
          for await (const op of deployments.deploymentOperations.list(resourceGroup, deployment)) ops.push(op);
        } catch (error) {
          // A nested deployment is listed as an operation of its parent before ARM knows it
          // by name: until then it simply has no operations of its own.
          if (depth > 0 && (error as { statusCode?: number }).statusCode === 404) return;
          throw toCloudError(`listing operations of ${deployment}`, error);
        }
        for (const op of ops) {
          const p = op.properties;
          const target = p?.targetResource;
          if (!target?.resourceType) continue;
          const statusMessage = p?.statusMessage as { error?: { code?: string; message?: string; details?: { code?: string; message?: string }[] } } | undefined;
          const err = statusMessage?.error;
          out.push({
            deployment,
            resourceType: target.resourceType,
            resourceName: target.resourceName ?? "",
            state: p?.provisioningState ?? "NotSpecified",
            statusCode: p?.statusCode,
            error: err ? { code: err.details?.[0]?.code ?? err.code, message: err.details?.[0]?.message ?? err.message } : undefined,
            timestamp: p?.timestamp?.toISOString(),
          });
          if (target.resourceType.toLowerCase() === "microsoft.resources/deployments" && target.resourceName && depth < 3) {
            await visit(target.resourceName, depth + 1);
          }
        }
      };
      await visit(name, 0);
      return out;
    },
    async cancelDeployment(resourceGroup, name) {
      await guard(`cancelling deployment ${name}`, () => deployments.deployments.cancel(resourceGroup, name));
    },
  };
  return client;
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
  const retryAfter = e.response?.headers?.get("retry-after");
  return new CloudError(`ARM ${what} failed${e.statusCode ? ` (${e.statusCode})` : ""}: ${e.message ?? String(error)}`, {
    service: "arm",
    status: e.statusCode,
    code: e.code,
    retryAfterMs: retryAfter ? Number(retryAfter) * 1000 || undefined : undefined,
    isTransient: isTransientStatus(e.statusCode),
  });
}
