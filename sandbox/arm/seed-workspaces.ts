import { randomUUID } from "node:crypto";
import type { ArmResource, ArmState } from "./arm-state";

/**
 * Azure ML workspaces that "already existed" in the subscription before Feedgate, so that
 * workspace discovery has something to show in embedded mode: one fully isolated (public access
 * Disabled, an Approved private endpoint, an image-build compute), one reachable from the
 * internet, and one isolated but without an image-build compute.
 */
export const SEEDED_WORKSPACE_GROUP = "rg-ml-existing";
export const SEEDED_WORKSPACES = { isolated: "mlw-vision-isolated", public: "mlw-sandbox-public", noCompute: "mlw-nlp-nocompute" } as const;

export type SeedWorkspacesOptions = {
  subscriptionId: string;
  location?: string;
  /** Adds read-only properties as the resource provider would (workspaceId, discoveryUrl, …). */
  enrich: (r: ArmResource) => void;
  /** Called for every created workspace (its default datastore's blob container). */
  onWorkspace?: (ws: ArmResource) => Promise<void>;
};

/** Creates the group and its workspaces once: nothing happens when the group already exists (also after a restart). */
export async function seedExistingWorkspaces(state: ArmState, options: SeedWorkspacesOptions): Promise<boolean> {
  const sub = options.subscriptionId;
  const location = options.location ?? "westeurope";
  if (state.getResourceGroup(sub, SEEDED_WORKSPACE_GROUP)) return false;
  const rgId = `/subscriptions/${sub}/resourceGroups/${SEEDED_WORKSPACE_GROUP}`;
  state.resourceGroups.set(state.rgKey(sub, SEEDED_WORKSPACE_GROUP), { id: rgId, name: SEEDED_WORKSPACE_GROUP, location, tags: { purpose: "pre-existing workspaces" }, subscriptionId: sub });
  const now = new Date().toISOString();
  const put = (type: string, name: string, properties: Record<string, unknown>, extra: Partial<ArmResource> = {}): ArmResource => {
    const r: ArmResource = { id: `${rgId}/providers/${type}/${name}`, name, type, location, properties, createdAt: now, ...extra };
    options.enrich(r);
    state.putResource(r);
    return r;
  };

  const vnet = put("Microsoft.Network/virtualNetworks", "vnet-ml-existing", {
    addressSpace: { addressPrefixes: ["10.42.0.0/24"] },
    subnets: [{ name: "snet-training", properties: { addressPrefix: "10.42.0.0/26" } }],
  });
  const subnetId = `${vnet.id}/subnets/snet-training`;
  state.putResource({ id: subnetId, name: "snet-training", type: "Microsoft.Network/virtualNetworks/subnets", properties: { addressPrefix: "10.42.0.0/26", provisioningState: "Succeeded" }, createdAt: now });

  const dependencies = (suffix: string) => ({
    storageAccount: put("Microsoft.Storage/storageAccounts", `st${suffix}`, { publicNetworkAccess: "Disabled" }, { kind: "StorageV2", sku: { name: "Standard_LRS" } }).id,
    containerRegistry: put("Microsoft.ContainerRegistry/registries", `cr${suffix}`, { publicNetworkAccess: "Disabled" }, { sku: { name: "Premium" } }).id,
    keyVault: put("Microsoft.KeyVault/vaults", `kv-${suffix}`, { tenantId: "00000000-0000-0000-0000-000000000000" }).id,
  });
  const workspace = async (name: string, suffix: string, props: Record<string, unknown>) => {
    const ws = put("Microsoft.MachineLearningServices/workspaces", name, { friendlyName: name, workspaceId: randomUUID(), ...dependencies(suffix), ...props }, { identity: { type: "SystemAssigned" }, sku: { name: "Basic", tier: "Basic" } });
    await options.onWorkspace?.(ws);
    return ws;
  };
  const privateEndpoint = (ws: ArmResource) =>
    put("Microsoft.Network/privateEndpoints", `ple-${ws.name}`, {
      subnet: { id: subnetId },
      privateLinkServiceConnections: [{ name: `ple-${ws.name}`, properties: { privateLinkServiceId: ws.id, groupIds: ["amlworkspace"] } }],
    });

  privateEndpoint(await workspace(SEEDED_WORKSPACES.isolated, "visioniso", { publicNetworkAccess: "Disabled", imageBuildCompute: "cluster001" }));
  await workspace(SEEDED_WORKSPACES.public, "sandboxpub", { publicNetworkAccess: "Enabled" });
  privateEndpoint(await workspace(SEEDED_WORKSPACES.noCompute, "nlpnocomp", { publicNetworkAccess: "Disabled" }));
  return true;
}
