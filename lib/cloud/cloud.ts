/**
 * Builds the cloud clients for a worker: real Azure when a subscription is configured, the
 * sandbox cloud otherwise. Only endpoints and identities differ; the clients are the same.
 */
import "server-only";
import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import { createAmlClient, type AmlClient, type WorkspaceConnectionFacts, type WorkspaceRef } from "@/lib/cloud/aml";
import { createArmClient, type ArmClient, type ReadBudget } from "@/lib/cloud/arm";
import { createArtifactsClient, type ArtifactsClient } from "@/lib/cloud/artifacts";
import { createContainerRegistryClient, type ContainerRegistryClient } from "@/lib/cloud/container-registry";
import { createCredentialResolver, type ResolveCredentialRef } from "@/lib/cloud/credentials";
import { createNexusClient, type NexusClient } from "@/lib/cloud/nexus";

/**
 * What the sandbox cloud writes to data/sandbox/endpoints.json. The contract lives here, with its
 * reader; sandbox/main.ts writes this shape, so lib/ never depends on sandbox code.
 */
export interface SandboxEndpointsFile {
  arm: string;
  aml: string;
  amlDataPlane: string;
  nexus: string;
  nexusAdminPasswordFile: string;
  artifacts: string;
  artifactsPatFile: string;
  blob: string;
  /** The sandbox's Key Vault secrets data plane; vault <v> is served under <keyVault>/<v>. */
  keyVault: string;
  caCertFile: string;
  /** The sandbox's Entra tenant (the demo tenant of the sandbox sign-in). */
  tenantId: string;
  /** Where its token endpoints are served: `{loginEndpoint}/{tenantId}/oauth2/v2.0/token` (the ARM server). */
  loginEndpoint: string;
  /** `{tenantId, clientId, clientSecret}` of the seeded service principal. */
  servicePrincipalFile: string;
  /** The managed identity endpoint (App Service's IDENTITY_ENDPOINT; MSI_ENDPOINT for 2017-09-01 clients). */
  identityEndpoint: string;
  /** The value of IDENTITY_HEADER (X-IDENTITY-HEADER; MSI_SECRET). */
  identityHeaderFile: string;
  /** The container registry imitation (the MCR base images, OCI distribution API); absent in an endpoints.json older than it. */
  containerRegistry?: string;
}

export const SANDBOX_SUBSCRIPTION_ID = "00000000-0000-4000-8000-00000000feed";

export interface Cloud {
  mode: "sandbox" | "azure";
  subscriptionId: string;
  arm: ArmClient;
  aml: AmlClient;
  /** The registry the allow-listed base images are pulled from (MCR; the sandbox's imitation in sandbox mode). */
  containerRegistry: ContainerRegistryClient;
  /**
   * A Nexus client for the host; its GETs take tokens from `readBudget` when one is given.
   * `credential` is the host's credentialRef already resolved by the caller, so it is not resolved again.
   */
  nexusFor(host: { baseUrl: string; credentialRef: string }, options?: { readBudget?: ReadBudget; signal?: AbortSignal; credential?: string }): Promise<NexusClient>;
  artifactsFor(host: { baseUrl: string; organization: string | null; project: string | null; credentialRef: string }, options?: { credential?: string }): Promise<ArtifactsClient>;
  /**
   * Lets a workspace's image builds authenticate to an Azure Artifacts feed, the way Azure ML does
   * for private Python feeds: a `PythonFeed` workspace connection whose target is the feed's index,
   * holding the host's PAT. The PAT is resolved here from the host's credential reference and
   * handed only to Azure ML.
   */
  connectArtifactsFeed(ref: WorkspaceRef, host: { credentialRef: string }, connection: { name: string; target: string }): Promise<{ connection: WorkspaceConnectionFacts; created: boolean }>;
  /** Where a Nexus VM that Feedgate deployed is reached, and where its admin password lives. */
  deployedNexus(privateIp: string): { baseUrl: string; credentialRef: string };
  artifactsHost(): { baseUrl: string; credentialRef: string };
  /** A credential reference's value (env:, file: or a Key Vault secret URI read with this Cloud's identity); never log it. */
  resolveCredentialRef: ResolveCredentialRef;
}

interface CommonOptions {
  credential: TokenCredential;
  subscriptionId: string;
  armEndpoint: string;
  dataPlaneScope: string;
  blobEndpointOverride?: string;
  artifactsApi: string;
  artifactsPackages: string;
  resolveCredentialRef: ResolveCredentialRef;
  /** The base URL a base image's registry host is reached at. */
  containerRegistryUrl: (host: string) => string;
}

function buildCloud(mode: Cloud["mode"], o: CommonOptions, nexusVm: (ip: string) => { baseUrl: string; credentialRef: string }, artifacts: { baseUrl: string; credentialRef: string }): Cloud {
  const resolveCredentialRef = o.resolveCredentialRef;
  const aml = createAmlClient({ credential: o.credential, subscriptionId: o.subscriptionId, endpoint: o.armEndpoint, dataPlaneScope: o.dataPlaneScope, blobEndpointOverride: o.blobEndpointOverride });
  return {
    mode,
    subscriptionId: o.subscriptionId,
    arm: createArmClient({ credential: o.credential, subscriptionId: o.subscriptionId, endpoint: o.armEndpoint }),
    aml,
    containerRegistry: createContainerRegistryClient({ baseUrlFor: o.containerRegistryUrl }),
    async nexusFor(host, options) {
      const password = options?.credential ?? (await resolveCredentialRef(host.credentialRef));
      return createNexusClient({ baseUrl: host.baseUrl, username: "admin", password, readBudget: options?.readBudget, signal: options?.signal });
    },
    async artifactsFor(host, options) {
      if (!host.organization || !host.project) throw new Error("An Azure Artifacts host needs an organization and a project");
      return createArtifactsClient({
        apiBaseUrl: o.artifactsApi,
        packagesBaseUrl: o.artifactsPackages,
        organization: host.organization,
        project: host.project,
        token: options?.credential ?? (await resolveCredentialRef(host.credentialRef)),
      });
    },
    async connectArtifactsFeed(ref, host, connection) {
      return aml.ensurePythonFeedConnection(ref, { ...connection, pat: await resolveCredentialRef(host.credentialRef) });
    },
    deployedNexus: nexusVm,
    artifactsHost: () => artifacts,
    resolveCredentialRef,
  };
}

/**
 * The sandbox cloud. `credential` is the worker's identity as in Azure: loadCloud passes a
 * DefaultAzureCredential, which finds the sandbox's managed identity through IDENTITY_ENDPOINT and
 * IDENTITY_HEADER (sandboxManagedIdentityEnv), and ARM and Azure ML check its tokens.
 */
export function createSandboxCloud(endpoints: SandboxEndpointsFile, credential: TokenCredential): Cloud {
  return buildCloud(
    "sandbox",
    {
      credential,
      subscriptionId: SANDBOX_SUBSCRIPTION_ID,
      armEndpoint: endpoints.arm,
      dataPlaneScope: `${endpoints.arm}/.default`,
      blobEndpointOverride: endpoints.blob,
      artifactsApi: endpoints.artifacts,
      artifactsPackages: endpoints.artifacts,
      // Every vault, whatever its cloud's suffix, is the sandbox's Key Vault under the vault's name.
      resolveCredentialRef: createCredentialResolver({
        credential,
        vaultEndpoint: ({ vaultName }) => `${sandboxKeyVault(endpoints)}/${vaultName}`,
        disableChallengeResourceVerification: true,
      }),
      // Every base image's registry host is the sandbox's registry; the image names stay MCR's.
      containerRegistryUrl: () => sandboxContainerRegistry(endpoints),
    },
    // The sandbox runs one Nexus for every VM it "deploys".
    () => ({ baseUrl: endpoints.nexus, credentialRef: `file:${endpoints.nexusAdminPasswordFile}` }),
    { baseUrl: endpoints.artifacts, credentialRef: `file:${endpoints.artifactsPatFile}` },
  );
}

export function createAzureCloud(options: { credential: TokenCredential; subscriptionId: string; nexusCredentialRef: string; artifactsCredentialRef: string }): Cloud {
  return buildCloud(
    "azure",
    {
      credential: options.credential,
      subscriptionId: options.subscriptionId,
      armEndpoint: "https://management.azure.com",
      dataPlaneScope: "https://management.azure.com/.default",
      artifactsApi: "https://feeds.dev.azure.com",
      artifactsPackages: "https://pkgs.dev.azure.com",
      resolveCredentialRef: createCredentialResolver({ credential: options.credential }),
      // The host comes from the BASE_IMAGE_IDS allow-list (parseBaseImage), never from input.
      containerRegistryUrl: (host) => `https://${host}`,
    },
    (ip) => ({ baseUrl: `http://${ip}:8081`, credentialRef: options.nexusCredentialRef }),
    { baseUrl: "https://feeds.dev.azure.com", credentialRef: options.artifactsCredentialRef },
  );
}

function sandboxContainerRegistry(endpoints: SandboxEndpointsFile): string {
  if (!endpoints.containerRegistry) throw new Error("The sandbox cloud has no container registry endpoint: restart it (npm start or npm run sandbox) so it writes a current endpoints.json.");
  return endpoints.containerRegistry;
}

function sandboxKeyVault(endpoints: SandboxEndpointsFile): string {
  // endpoints.json from a sandbox older than its Key Vault has no such entry.
  if (!endpoints.keyVault) throw new Error("The sandbox cloud has no Key Vault endpoint: restart it (npm start or npm run sandbox) so it writes a current endpoints.json.");
  return endpoints.keyVault;
}

/**
 * The environment that makes DefaultAzureCredential use the sandbox's managed identity (App
 * Service's protocol: IDENTITY_ENDPOINT + IDENTITY_HEADER), as a Feedgate worker in App Service
 * or Container Apps gets it from the platform.
 */
export function sandboxManagedIdentityEnv(endpoints: SandboxEndpointsFile): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string } {
  if (!endpoints.identityEndpoint || !endpoints.identityHeaderFile) throw new Error("The sandbox cloud has no managed identity endpoint: restart it (npm start or npm run sandbox) so it writes a current endpoints.json.");
  let header: string;
  try {
    header = readFileSync(endpoints.identityHeaderFile, "utf8").trim();
  } catch {
    throw new Error(`The sandbox cloud's managed identity header ${endpoints.identityHeaderFile} cannot be read: restart the sandbox (npm start or npm run sandbox).`);
  }
  return { IDENTITY_ENDPOINT: endpoints.identityEndpoint, IDENTITY_HEADER: header };
}

export function readSandboxEndpoints(file: string): SandboxEndpointsFile {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SandboxEndpointsFile;
  } catch {
    throw new Error(`The sandbox cloud is not running: ${file} is missing. Start Feedgate with npm start, or the sandbox with npm run sandbox.`);
  }
}
