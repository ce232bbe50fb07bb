import { randomUUID } from "node:crypto";
import { isRecord } from "../core/http";
import type { ArmResource, ArmState } from "./arm-state";

/** Read-only, type-specific properties real resource providers add to what the template sent. */
export function enrichResource(r: ArmResource, state: ArmState, amlDataPlaneUrl: string): void {
  const type = r.type.toLowerCase();
  const p = r.properties;
  p.provisioningState = "Succeeded";
  switch (type) {
    case "microsoft.network/virtualnetworks": {
      p.resourceGuid ??= randomUUID();
      const subnets = Array.isArray(p.subnets) ? p.subnets : [];
      p.subnets = subnets.filter(isRecord).map((s) => ({
        id: `${r.id}/subnets/${String(s.name)}`,
        name: s.name,
        type: "Microsoft.Network/virtualNetworks/subnets",
        properties: { ...(isRecord(s.properties) ? s.properties : {}), provisioningState: "Succeeded" },
      }));
      break;
    }
    case "microsoft.network/networkinterfaces": {
      const configs = Array.isArray(p.ipConfigurations) ? p.ipConfigurations.filter(isRecord) : [];
      p.ipConfigurations = configs.map((c, i) => {
        const props = isRecord(c.properties) ? { ...c.properties } : {};
        if (!props.privateIPAddress) props.privateIPAddress = allocateIp(state, props.subnet);
        props.privateIPAllocationMethod ??= "Dynamic";
        props.provisioningState = "Succeeded";
        return { id: `${r.id}/ipConfigurations/${String(c.name ?? `ipconfig${i + 1}`)}`, name: c.name ?? `ipconfig${i + 1}`, type: "Microsoft.Network/networkInterfaces/ipConfigurations", properties: props };
      });
      p.macAddress ??= "00-0D-3A-00-00-01";
      break;
    }
    case "microsoft.compute/virtualmachines":
      p.vmId ??= randomUUID();
      break;
    case "microsoft.storage/storageaccounts":
      p.primaryEndpoints = { blob: `https://${r.name}.blob.core.windows.net/`, file: `https://${r.name}.file.core.windows.net/`, queue: `https://${r.name}.queue.core.windows.net/`, table: `https://${r.name}.table.core.windows.net/`, dfs: `https://${r.name}.dfs.core.windows.net/` };
      p.primaryLocation ??= r.location;
      p.statusOfPrimary = "available";
      break;
    case "microsoft.containerregistry/registries":
      p.loginServer = `${r.name.toLowerCase()}.azurecr.io`;
      p.creationDate ??= new Date().toISOString();
      break;
    case "microsoft.keyvault/vaults":
      p.vaultUri = `https://${r.name}.vault.azure.net/`;
      break;
    case "microsoft.machinelearningservices/workspaces":
      p.workspaceId ??= randomUUID();
      p.discoveryUrl = `${amlDataPlaneUrl}/discovery`;
      p.mlFlowTrackingUri = `azureml://${r.location ?? "eastus"}.api.azureml.ms/mlflow/v1.0${r.id}`;
      p.publicNetworkAccess ??= "Enabled";
      p.hbiWorkspace ??= false;
      p.v1LegacyMode ??= false;
      p.tenantId ??= "00000000-0000-0000-0000-000000000000";
      r.identity = isRecord(r.identity) ? { ...r.identity, principalId: randomUUID(), tenantId: "00000000-0000-0000-0000-000000000000" } : r.identity;
      break;
    default:
      break;
  }
}

/** Keeps parent/child views consistent after a create (subnets as children of their VNet). */
export function linkChildResource(r: ArmResource, state: ArmState): void {
  const type = r.type.toLowerCase();
  if (type === "microsoft.network/virtualnetworks") {
    for (const s of Array.isArray(r.properties.subnets) ? r.properties.subnets.filter(isRecord) : []) {
      state.putResource({ id: String(s.id), name: String(s.name), type: "Microsoft.Network/virtualNetworks/subnets", properties: isRecord(s.properties) ? s.properties : {}, createdAt: r.createdAt });
    }
  }
  if (type === "microsoft.network/virtualnetworks/subnets") {
    const parent = state.getResource(r.id.replace(/\/subnets\/[^/]+$/i, ""));
    if (parent) {
      const list = (Array.isArray(parent.properties.subnets) ? parent.properties.subnets.filter(isRecord) : []).filter((s) => String(s.name).toLowerCase() !== r.name.toLowerCase());
      list.push({ id: r.id, name: r.name, type: r.type, properties: r.properties });
      parent.properties.subnets = list;
    }
  }
}

function allocateIp(state: ArmState, subnetRef: unknown): string {
  const subnetId = isRecord(subnetRef) && typeof subnetRef.id === "string" ? subnetRef.id : "";
  const subnet = subnetId ? state.getResource(subnetId) : undefined;
  const prefix = typeof subnet?.properties.addressPrefix === "string" ? subnet.properties.addressPrefix : "10.0.0.0/24";
  const base = prefix.split("/")[0]?.split(".").map(Number) ?? [10, 0, 0, 0];
  const next = (state.ipCounters.get(subnetId) ?? 3) + 1;
  state.ipCounters.set(subnetId, next);
  return `${base[0]}.${base[1]}.${base[2]}.${(base[3] ?? 0) + next}`;
}
