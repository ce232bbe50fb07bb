/**
 * The resource providers the sandbox imitates, with the api-versions and locations ARM would
 * accept for each type. One table feeds the providers API (`az resource show --ids` resolves
 * api-versions from it), the api-version check on every ARM route and the deployment preflight.
 *
 * The api-versions are real ones of each type (from the public REST specs, not a capture of a live
 * subscription's list, which is longer and changes), and always include every version that
 * Feedgate's SDKs (@azure/arm-resources 8.0.0: 2025-04-01, @azure/arm-resourcesdeployments 2.0.0:
 * 2026-06-01 / 2025-04-01, @azure/arm-machinelearning 2.1.1: 2022-10-01), its templates
 * (lib/infra/templates) and the Azure CLI's latest profile send.
 */
export type ProviderResourceType = { resourceType: string; apiVersions: string[]; locations: "regional" | "global" | "none"; defaultApiVersion?: string };
export type ResourceProvider = { namespace: string; resourceTypes: ProviderResourceType[] };

/** Public regions (name, displayName) as /locations and the providers API spell them. */
export const LOCATIONS: readonly (readonly [string, string])[] = [
  ["eastus", "East US"], ["eastus2", "East US 2"], ["southcentralus", "South Central US"], ["westus2", "West US 2"], ["westus3", "West US 3"],
  ["australiaeast", "Australia East"], ["southeastasia", "Southeast Asia"], ["northeurope", "North Europe"], ["swedencentral", "Sweden Central"],
  ["uksouth", "UK South"], ["westeurope", "West Europe"], ["centralus", "Central US"], ["southafricanorth", "South Africa North"],
  ["centralindia", "Central India"], ["eastasia", "East Asia"], ["japaneast", "Japan East"], ["koreacentral", "Korea Central"],
  ["canadacentral", "Canada Central"], ["francecentral", "France Central"], ["germanywestcentral", "Germany West Central"],
  ["italynorth", "Italy North"], ["norwayeast", "Norway East"], ["polandcentral", "Poland Central"], ["switzerlandnorth", "Switzerland North"],
  ["brazilsouth", "Brazil South"], ["northcentralus", "North Central US"], ["westus", "West US"], ["westcentralus", "West Central US"],
  ["ukwest", "UK West"], ["japanwest", "Japan West"], ["australiasoutheast", "Australia Southeast"], ["canadaeast", "Canada East"],
];

const RESOURCES = ["2026-06-01", "2025-04-01", "2025-03-01", "2024-11-01", "2024-07-01", "2024-03-01", "2023-07-01", "2022-09-01", "2021-04-01", "2021-01-01", "2020-10-01", "2020-08-01", "2020-06-01", "2019-10-01", "2019-08-01", "2019-07-01", "2019-05-10", "2019-05-01", "2019-03-01", "2018-05-01", "2018-02-01", "2017-08-01", "2017-06-01", "2017-05-10", "2016-09-01", "2016-07-01", "2016-06-01", "2016-02-01", "2015-11-01", "2015-01-01", "2014-04-01-preview", "2014-04-01"];
const SUBSCRIPTIONS = ["2022-12-01", "2021-01-01", "2020-01-01", "2019-11-01", "2019-06-01", "2019-05-10", "2019-05-01", "2019-03-01", "2018-05-01", "2018-02-01", "2016-06-01", "2016-02-01", "2015-11-01", "2015-01-01", "2014-04-01-preview", "2014-04-01"];
const NETWORK = ["2024-05-01", "2024-03-01", "2024-01-01", "2023-11-01", "2023-09-01", "2023-06-01", "2023-05-01", "2023-04-01", "2023-02-01", "2022-11-01", "2022-09-01", "2022-07-01", "2022-05-01", "2022-01-01", "2021-08-01", "2021-05-01", "2021-03-01", "2021-02-01", "2020-11-01", "2020-08-01", "2020-07-01", "2020-06-01", "2020-05-01", "2020-04-01", "2020-03-01", "2019-12-01", "2019-11-01", "2019-09-01", "2019-08-01", "2019-07-01", "2019-06-01", "2019-04-01", "2019-02-01", "2018-12-01", "2018-11-01", "2018-10-01", "2018-08-01", "2018-07-01", "2018-06-01", "2018-04-01", "2018-02-01", "2018-01-01", "2017-11-01", "2017-10-01", "2017-09-01", "2017-08-01", "2017-06-01", "2017-04-01", "2017-03-01", "2016-12-01", "2016-09-01", "2016-06-01", "2016-03-30", "2015-06-15", "2015-05-01-preview"];
const NETWORK_SINCE_2019_04 = NETWORK.filter((v) => v >= "2019-04-01");
const STORAGE = ["2024-01-01", "2023-05-01", "2023-04-01", "2023-01-01", "2022-09-01", "2022-05-01", "2021-09-01", "2021-08-01", "2021-06-01", "2021-04-01", "2021-02-01", "2021-01-01", "2020-08-01-preview", "2019-06-01", "2019-04-01", "2018-11-01", "2018-07-01", "2018-03-01-preview", "2018-02-01", "2017-10-01", "2017-06-01", "2016-12-01", "2016-05-01", "2016-01-01", "2015-06-15", "2015-05-01-preview"];
const KEYVAULT = ["2024-11-01", "2024-04-01-preview", "2023-07-01", "2023-02-01", "2022-11-01", "2022-07-01", "2022-02-01-preview", "2021-11-01-preview", "2021-10-01", "2021-06-01-preview", "2021-04-01-preview", "2019-09-01", "2018-02-14", "2016-10-01", "2015-06-01"];
const ACR = ["2023-11-01-preview", "2023-07-01", "2023-01-01-preview", "2022-12-01", "2022-02-01-preview", "2021-12-01-preview", "2021-09-01", "2021-08-01-preview", "2021-06-01-preview", "2020-11-01-preview", "2019-12-01-preview", "2019-05-01", "2017-10-01", "2017-03-01"];
const INSIGHTS = ["2020-02-02", "2020-02-02-preview", "2018-05-01-preview", "2015-05-01", "2014-04-01"];
const AML = ["2024-10-01", "2024-04-01", "2023-10-01", "2023-04-01", "2022-10-01", "2022-05-01", "2022-01-01-preview", "2021-07-01", "2021-04-01", "2021-01-01", "2020-06-01", "2020-04-01", "2020-03-01", "2020-01-01", "2019-11-01", "2019-06-01", "2019-05-01", "2018-11-19", "2018-03-01-preview"];
const AML_V2 = AML.filter((v) => v >= "2022-05-01");
const COMPUTE = ["2024-07-01", "2024-03-01", "2023-09-01", "2023-07-01", "2023-03-01", "2022-11-01", "2022-08-01", "2022-03-01", "2021-11-01", "2021-07-01", "2021-04-01", "2021-03-01", "2020-12-01", "2020-06-01", "2019-12-01", "2019-07-01", "2019-03-01", "2018-10-01", "2018-06-01", "2018-04-01", "2017-12-01", "2017-03-30", "2016-08-30", "2016-04-30-preview", "2016-03-30", "2015-06-15"];
const IDENTITY = ["2023-01-31", "2022-01-31-preview", "2018-11-30", "2015-08-31-preview"];
const PRIVATE_DNS = ["2024-06-01", "2020-06-01", "2020-01-01", "2018-09-01"];

const regional = (resourceType: string, apiVersions: string[]): ProviderResourceType => ({ resourceType, apiVersions, locations: "regional" });

export const PROVIDERS: readonly ResourceProvider[] = [
  {
    namespace: "Microsoft.Resources",
    resourceTypes: [
      regional("resourceGroups", RESOURCES), regional("deployments", RESOURCES), regional("deployments/operations", RESOURCES),
      regional("deployments/operationstatuses", RESOURCES), regional("operationresults", RESOURCES),
      { resourceType: "resources", apiVersions: RESOURCES, locations: "none" }, { resourceType: "providers", apiVersions: RESOURCES, locations: "none" },
      { resourceType: "subscriptions", apiVersions: SUBSCRIPTIONS, locations: "none" }, { resourceType: "tenants", apiVersions: SUBSCRIPTIONS, locations: "none" },
    ],
  },
  {
    namespace: "Microsoft.Network",
    resourceTypes: [
      regional("virtualNetworks", NETWORK), regional("virtualNetworks/subnets", NETWORK), regional("networkInterfaces", NETWORK),
      regional("networkInterfaces/ipConfigurations", NETWORK), regional("networkSecurityGroups", NETWORK), regional("privateEndpoints", NETWORK_SINCE_2019_04),
      { resourceType: "privateDnsZones", apiVersions: PRIVATE_DNS, locations: "global" }, { resourceType: "privateDnsZones/virtualNetworkLinks", apiVersions: PRIVATE_DNS, locations: "global" },
    ],
  },
  { namespace: "Microsoft.Storage", resourceTypes: [regional("storageAccounts", STORAGE)] },
  { namespace: "Microsoft.KeyVault", resourceTypes: [regional("vaults", KEYVAULT)] },
  { namespace: "Microsoft.ContainerRegistry", resourceTypes: [regional("registries", ACR)] },
  { namespace: "Microsoft.Insights", resourceTypes: [regional("components", INSIGHTS)] },
  {
    namespace: "Microsoft.MachineLearningServices",
    resourceTypes: [
      regional("workspaces", AML), regional("workspaces/computes", AML), regional("workspaces/datastores", AML_V2), regional("workspaces/connections", AML),
      regional("workspaces/environments", AML_V2), regional("workspaces/environments/versions", AML_V2), regional("workspaces/privateEndpointConnections", AML),
    ],
  },
  { namespace: "Microsoft.Compute", resourceTypes: [regional("virtualMachines", COMPUTE)] },
  { namespace: "Microsoft.ManagedIdentity", resourceTypes: [regional("userAssignedIdentities", IDENTITY)] },
];

export function findProvider(namespace: string): ResourceProvider | undefined {
  return PROVIDERS.find((p) => p.namespace.toLowerCase() === namespace.toLowerCase());
}

/** `Microsoft.Network/virtualNetworks/subnets` → the provider and its `virtualNetworks/subnets` entry. */
export function findResourceType(fullType: string): { provider: ResourceProvider; type?: ProviderResourceType } | undefined {
  const [namespace = "", ...rest] = fullType.split("/");
  const provider = findProvider(namespace);
  if (!provider) return undefined;
  const name = rest.join("/").toLowerCase();
  return { provider, type: provider.resourceTypes.find((t) => t.resourceType.toLowerCase() === name) };
}

/** A location as ARM matches it: `eastus`, `East US` and `EASTUS` are the same region. */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

export function isKnownLocation(location: string, type: ProviderResourceType): boolean {
  const wanted = normalizeLocation(location);
  if (type.locations === "none") return true;
  if (type.locations === "global") return wanted === "global";
  return LOCATIONS.some(([name]) => name === wanted);
}

export function locationNames(type: ProviderResourceType): string[] {
  if (type.locations === "none") return [];
  if (type.locations === "global") return ["global"];
  return LOCATIONS.map(([name]) => name);
}

/** The providers API view (`GET /subscriptions/{s}/providers/{ns}`); tenant scope has no registration state. */
export function providerView(provider: ResourceProvider, subscriptionId?: string): Record<string, unknown> {
  return {
    id: subscriptionId ? `/subscriptions/${subscriptionId}/providers/${provider.namespace}` : `/providers/${provider.namespace}`,
    namespace: provider.namespace,
    ...(subscriptionId ? { registrationState: "Registered", registrationPolicy: provider.namespace === "Microsoft.Resources" ? "RegistrationFree" : "RegistrationRequired" } : {}),
    resourceTypes: provider.resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: t.locations === "regional" ? LOCATIONS.map(([, display]) => display) : t.locations === "global" ? ["Global"] : [],
      apiVersions: t.apiVersions,
      defaultApiVersion: t.defaultApiVersion ?? t.apiVersions.find((v) => !v.endsWith("-preview")),
      capabilities: "None",
    })),
  };
}
