/** In-memory ARM state shared by the ARM and Azure ML imitations. */
export type ArmError = { code: string; message: string; target?: string; details?: ArmError[]; additionalInfo?: { type: string; info: unknown }[] };

export type ResourceGroup = {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  managedBy?: string;
  subscriptionId: string;
  /** Set while the group's delete runs (GET shows it; the group is gone when the delete ends). */
  provisioningState?: "Deleting";
};

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
  /** The template as deployed (exportTemplate answers it). */
  template?: Record<string, unknown>;
  done: Promise<void>;
};

export class ArmState {
  readonly resourceGroups = new Map<string, ResourceGroup>();
  readonly resources = new Map<string, ArmResource>();
  readonly deployments = new Map<string, DeploymentRecord>();
  /** Last private IP host number handed out per subnet id (NICs get .4, .5, …). */
  readonly ipCounters = new Map<string, number>();

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

  /** True while a deployment is still being carried out. */
  isBusy(): boolean {
    for (const d of this.deployments.values()) if (!isTerminal(d.provisioningState)) return true;
    for (const g of this.resourceGroups.values()) if (g.provisioningState === "Deleting") return true;
    return false;
  }

  /** Removes a group with its resources and deployments (the end of a resource group delete). */
  removeResourceGroup(sub: string, rg: string): void {
    const key = this.rgKey(sub, rg);
    for (const r of this.resourcesIn(sub, rg)) this.resources.delete(r.id.toLowerCase());
    for (const [k, d] of this.deployments) if (this.rgKey(d.subscriptionId, d.resourceGroupName) === key) this.deployments.delete(k);
    this.resourceGroups.delete(key);
  }

  toSnapshot(): ArmSnapshot {
    return { resourceGroups: this.resourceGroups, resources: this.resources, deployments: this.deployments, ipCounters: this.ipCounters };
  }

  /**
   * Loads a snapshot. A deployment that was still running when the sandbox stopped cannot be
   * picked up where it was (its template run lived in memory), so it ends Failed with
   * DeploymentInterrupted, as ARM reports a deployment whose worker was lost; deploying again works.
   */
  restore(snapshot: ArmSnapshot): void {
    copyInto(this.resourceGroups, snapshot.resourceGroups);
    copyInto(this.resources, snapshot.resources);
    copyInto(this.ipCounters, snapshot.ipCounters);
    const now = Date.now();
    for (const [key, d] of snapshot.deployments ?? []) {
      d.done = Promise.resolve();
      if (!isTerminal(d.provisioningState)) {
        const error: ArmError = { code: "DeploymentInterrupted", message: "The sandbox cloud stopped while this deployment was running. Deploy again to finish it." };
        for (const op of d.operations) {
          if (isTerminal(op.state)) continue;
          op.state = "Failed";
          op.statusCode = "InternalServerError";
          op.error = error;
          op.endedAt = now;
          op.timestamp = new Date(now).toISOString();
        }
        d.provisioningState = "Failed";
        d.error = error;
        d.endedAt = now;
      }
      this.deployments.set(key, d);
    }
    // A group whose delete was running when the sandbox stopped: the delete finishes now.
    for (const g of [...this.resourceGroups.values()]) if (g.provisioningState === "Deleting") this.removeResourceGroup(g.subscriptionId, g.name);
  }
}

export type ArmSnapshot = {
  resourceGroups?: Map<string, ResourceGroup>;
  resources?: Map<string, ArmResource>;
  deployments?: Map<string, DeploymentRecord>;
  ipCounters?: Map<string, number>;
};

function isTerminal(state: string): boolean {
  return state === "Succeeded" || state === "Failed" || state === "Canceled";
}

function copyInto<K, V>(target: Map<K, V>, source: Map<K, V> | undefined): void {
  for (const [k, v] of source ?? []) target.set(k, v);
}

export function armError(status: number, code: string, message: string, extra: Partial<ArmError> = {}): { status: number; json: { error: ArmError } } {
  return { status, json: { error: { code, message, ...extra } } };
}

/** A resource as ARM's GET answers it (what-if's `before` / `after` add `apiVersion` in front). */
export function resourceView(r: ArmResource): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    ...(r.location ? { location: r.location } : {}),
    ...(r.tags ? { tags: r.tags } : {}),
    ...(r.sku !== undefined ? { sku: r.sku } : {}),
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.identity !== undefined ? { identity: r.identity } : {}),
    ...(r.zones !== undefined ? { zones: r.zones } : {}),
    properties: r.properties,
  };
}

export function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, "") || "0"}S`;
}
