import type { Router, SandboxRequest } from "../core/http";
import { type ArmState, armError } from "./arm-state";
import { PROVIDERS, findProvider, providerView } from "./providers";

export type ArmDirectoryOptions = {
  state: ArmState;
  /** The tenant every sandbox subscription belongs to. */
  tenantId: string;
  /** Always listed, with any other subscription that has a resource group. */
  defaultSubscriptionId: string;
  /** Entra's login endpoint as clients should see it; undefined = the ARM server's own URL + /adfs. */
  loginEndpoint: () => string | undefined;
};

export const CLOUD_METADATA_PATH = "/metadata/endpoints";
const CLOUD_NAME = "FeedgateSandbox";

/**
 * Cloud metadata, subscriptions and tenants: what `az cloud register --endpoint-resource-manager`
 * and `az login` read before anything else. Shapes follow management.azure.com's answers [mem]; the
 * endpoints the sandbox serves (ARM, login) are its own, the rest (gallery, graph, portal, suffixes)
 * keep Azure's public values, which is also what the sandbox's resources report
 * (`*.blob.core.windows.net`, `*.vault.azure.net`, `*.azurecr.io`).
 */
export function registerArmDirectoryRoutes(router: Router, options: ArmDirectoryOptions): void {
  router.add("GET", CLOUD_METADATA_PATH, (req) => ({ status: 200, json: cloudMetadata(req, options) }));
  router.add("GET", "/tenants", () => ({ status: 200, json: { value: [tenantView(options.tenantId)] } }));
  router.add("GET", "/subscriptions", () => {
    const value = knownSubscriptions(options).map((s) => subscriptionView(s, options.tenantId));
    return { status: 200, json: { value, count: { type: "Total", value: value.length } } };
  });
  // Providers (`az provider show`, and `az resource show --ids`, which resolves api-versions here).
  router.add("GET", "/subscriptions/{sub}/providers", (req) => ({ status: 200, json: { value: PROVIDERS.map((p) => providerView(p, req.params.sub)) } }));
  router.add("GET", "/subscriptions/{sub}/providers/{ns}", (req) => {
    const provider = findProvider(req.params.ns ?? "");
    return provider ? { status: 200, json: providerView(provider, req.params.sub) } : namespaceNotFound(req.params.ns ?? "");
  });
  router.add("POST", "/subscriptions/{sub}/providers/{ns}/register", (req) => {
    const provider = findProvider(req.params.ns ?? "");
    return provider ? { status: 200, json: providerView(provider, req.params.sub) } : namespaceNotFound(req.params.ns ?? "");
  });
  router.add("GET", "/providers", () => ({ status: 200, json: { value: PROVIDERS.map((p) => providerView(p)) } }));
  router.add("GET", "/providers/{ns}", (req) => {
    const provider = findProvider(req.params.ns ?? "");
    return provider ? { status: 200, json: providerView(provider) } : namespaceNotFound(req.params.ns ?? "");
  });
  router.add("GET", "/subscriptions/{sub}", (req) => {
    const sub = req.params.sub ?? "";
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sub)) return armError(400, "InvalidSubscriptionId", `The provided subscription identifier '${sub}' is malformed or invalid.`);
    const known = knownSubscriptions(options).find((s) => s.toLowerCase() === sub.toLowerCase());
    if (!known) return armError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);
    return { status: 200, json: subscriptionView(known, options.tenantId) };
  });
}

function cloudMetadata(req: SandboxRequest, options: ArmDirectoryOptions): unknown {
  const arm = `${req.baseUrl}/`;
  // The sandbox's login endpoint is the ARM server. By default it is named as an ADFS authority
  // (`…/adfs/`, tenant "adfs", as Azure Stack Hub's metadata does): for any other host that is not
  // Microsoft's, MSAL (the Azure CLI's msal 1.21) first asks login.microsoftonline.com to vouch for
  // it (instance discovery), which a local cloud cannot answer, and offline cannot even reach.
  const configured = options.loginEndpoint();
  const login = withSlash(configured ?? `${req.baseUrl}/adfs`);
  // audiences[0] is what the CLI asks tokens for; Azure's two, then the sandbox's own URL, which
  // is the scope an SDK pointed at the sandbox asks for (`${endpoint}/.default`).
  const isAdfs = /\/adfs\/?$/i.test(login);
  const authentication = { loginEndpoint: login, audiences: ["https://management.core.windows.net/", "https://management.azure.com/", arm], tenant: isAdfs ? "adfs" : "common", identityProvider: isAdfs ? "ADFS" : "AAD" };
  const version = req.url.searchParams.get("api-version") ?? "";
  // 2015-01-01 (what az cloud register asked for until 2.4x): the first, flat format.
  if (version < "2019-05-01") {
    return { galleryEndpoint: "https://gallery.azure.com/", graphEndpoint: "https://graph.windows.net/", graphAudience: "https://graph.windows.net/", portalEndpoint: "https://portal.azure.com/", authentication };
  }
  const cloud = {
    name: CLOUD_NAME,
    portal: "https://portal.azure.com",
    authentication,
    media: "https://rest.media.azure.net",
    graphAudience: "https://graph.windows.net/",
    graph: "https://graph.windows.net/",
    suffixes: {
      acrLoginServer: "azurecr.io",
      sqlServerHostname: "database.windows.net",
      keyVaultDns: "vault.azure.net",
      storage: "core.windows.net",
      storageSyncEndpointSuffix: "afs.azure.net",
      mhsmDns: "managedhsm.azure.net",
      azureDataLakeStoreFileSystem: "azuredatalakestore.net",
      azureDataLakeAnalyticsCatalogAndJob: "azuredatalakeanalytics.net",
    },
    batch: "https://batch.core.windows.net/",
    resourceManager: arm,
    vmImageAliasDoc: "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json",
    activeDirectoryDataLake: "https://datalake.azure.net/",
    sqlManagement: "https://management.core.windows.net:8443/",
    microsoftGraphResourceId: "https://graph.microsoft.com/",
    gallery: "https://gallery.azure.com/",
  };
  // 2019-05-01 lists every cloud ARM knows (one here); 2022-09-01 and later answer with this cloud alone.
  return version < "2022-09-01" ? [cloud] : cloud;
}

function knownSubscriptions(options: ArmDirectoryOptions): string[] {
  const seen = new Map<string, string>([[options.defaultSubscriptionId.toLowerCase(), options.defaultSubscriptionId]]);
  for (const g of options.state.resourceGroups.values()) if (!seen.has(g.subscriptionId.toLowerCase())) seen.set(g.subscriptionId.toLowerCase(), g.subscriptionId);
  return [...seen.values()];
}

function subscriptionView(id: string, tenantId: string): Record<string, unknown> {
  return {
    id: `/subscriptions/${id}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: id,
    tenantId,
    displayName: `Feedgate sandbox ${id.slice(-4)}`,
    state: "Enabled",
    subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
  };
}

function tenantView(tenantId: string): Record<string, unknown> {
  return { id: `/tenants/${tenantId}`, tenantId, countryCode: "US", displayName: "Feedgate sandbox", domains: ["sandbox.feedgate.example"], tenantCategory: "Home", defaultDomain: "sandbox.feedgate.example", tenantType: "AAD" };
}

function namespaceNotFound(namespace: string) {
  return armError(404, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid.`);
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export function isUnauthenticatedArmPath(path: string): boolean {
  return path.replace(/\/+$/, "").toLowerCase() === CLOUD_METADATA_PATH;
}
