/** In-memory ARM state shared by the ARM and Azure ML imitations. */
export type ArmError = { code: string; message: string; target?: string; details?: ArmError[]; additionalInfo?: { type: string; info: unknown }[] };

export type ResourceGroup = { id: string; name: string; location: string; tags: Record<string, string>; managedBy?: string; subscriptionId: string };

export type ArmResource = {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: unknown;
  kind?: unknown;
  identity?: unknown;
  zones?: unknown;
  properties: Record<string, unknown>;
  apiVersion?: string;
  createdAt: string;
};

export type OperationRecord = {
  operationId: string;
  provisioningOperation: "Create" | "EvaluateDeploymentOutput";
  state: "Accepted" | "Running" | "Succeeded" | "Failed" | "Canceled";
  timestamp: string;
  startedAt: number;
  endedAt?: number;
  statusCode?: string;
  error?: ArmError;
  target?: { id: string; resourceName: string; resourceType: string; apiVersion?: string; symbolicName?: string };
};

export type DeploymentRecord = {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroupName: string;
  location?: string;
  tags?: Record<string, string>;
  mode: string;
  provisioningState: "Accepted" | "Running" | "Succeeded" | "Failed" | "Canceled";
  correlationId: string;
  startedAt: number;
  endedAt?: number;
  operations: OperationRecord[];
  outputs?: Record<string, { type: string; value: unknown }>;
  error?: ArmError;
  statusId: string;
  cancelRequested: boolean;
  templateHash: string;
  parametersEcho: Record<string, { type: string; value?: unknown }>;
  providers: { namespace: string; resourceTypes: { resourceType: string; locations: string[] }[] }[];
  dependencies: { id: string; resourceType: string; resourceName: string; dependsOn: { id: string; resourceType: string; resourceName: string }[] }[];
  outputResources: string[];
  validatedResources: string[];
  done: Promise<void>;
};

export class ArmState {
  readonly resourceGroups = new Map<string, ResourceGroup>();
  readonly resources = new Map<string, ArmResource>();
  readonly deployments = new Map<string, DeploymentRecord>();

  rgKey(sub: string, rg: string): string {
    return `/subscriptions/${sub}/resourcegroups/${rg}`.toLowerCase();
  }

  getResourceGroup(sub: string, rg: string): ResourceGroup | undefined {
    return this.resourceGroups.get(this.rgKey(sub, rg));
  }

  getResource(id: string): ArmResource | undefined {
    return this.resources.get(id.toLowerCase().replace(/\/+$/, ""));
  }

  putResource(resource: ArmResource): void {
    this.resources.set(resource.id.toLowerCase(), resource);
  }

  resourcesIn(sub: string, rg: string): ArmResource[] {
    const prefix = `${this.rgKey(sub, rg)}/providers/`;
    return [...this.resources.values()].filter((r) => r.id.toLowerCase().startsWith(prefix));
  }
}

export function armError(status: number, code: string, message: string, extra: Partial<ArmError> = {}): { status: number; json: { error: ArmError } } {
  return { status, json: { error: { code, message, ...extra } } };
}

export function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, "") || "0"}S`;
}
