/**
 * Builds the cloud clients for a worker: real Azure when a subscription is configured, the
 * sandbox cloud otherwise. Only endpoints and identities differ; the clients are the same.
 */
import "server-only";
import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import { createAmlClient, type AmlClient } from "@/lib/cloud/aml";
import { createArmClient, type ArmClient } from "@/lib/cloud/arm";
import { createArtifactsClient, type ArtifactsClient } from "@/lib/cloud/artifacts";
import { resolveCredentialRef, SandboxTokenCredential } from "@/lib/cloud/credentials";
import { createNexusClient, type NexusClient } from "@/lib/cloud/nexus";
import type { SandboxEndpoints } from "@/sandbox/main";

/** What `npm run sandbox` writes to data/sandbox/endpoints.json (a type only: no sandbox code loads here). */
export type SandboxEndpointsFile = SandboxEndpoints;

export const SANDBOX_SUBSCRIPTION_ID = "00000000-0000-4000-8000-00000000feed";

export interface Cloud {
  mode: "sandbox" | "azure";
  subscriptionId: string;
  arm: ArmClient;
  aml: AmlClient;
  nexusFor(host: { baseUrl: string; credentialRef: string }): Promise<NexusClient>;
  artifactsFor(host: { baseUrl: string; organization: string | null; project: string | null; credentialRef: string }): Promise<ArtifactsClient>;
  /** Where a Nexus VM that Feedgate deployed is reached, and where its admin password lives. */
  deployedNexus(privateIp: string): { baseUrl: string; credentialRef: string };
  artifactsHost(): { baseUrl: string; credentialRef: string };
}

interface CommonOptions {
  credential: TokenCredential;
  subscriptionId: string;
  armEndpoint: string;
  dataPlaneScope: string;
  blobEndpointOverride?: string;
  artifactsApi: string;
  artifactsPackages: string;
}

function buildCloud(mode: Cloud["mode"], o: CommonOptions, nexusVm: (ip: string) => { baseUrl: string; credentialRef: string }, artifacts: { baseUrl: string; credentialRef: string }): Cloud {
  return {
    mode,
    subscriptionId: o.subscriptionId,
    arm: createArmClient({ credential: o.credential, subscriptionId: o.subscriptionId, endpoint: o.armEndpoint }),
    aml: createAmlClient({ credential: o.credential, subscriptionId: o.subscriptionId, endpoint: o.armEndpoint, dataPlaneScope: o.dataPlaneScope, blobEndpointOverride: o.blobEndpointOverride }),
    async nexusFor(host) {
      return createNexusClient({ baseUrl: host.baseUrl, username: "admin", password: await resolveCredentialRef(host.credentialRef) });
    },
    async artifactsFor(host) {
      if (!host.organization || !host.project) throw new Error("An Azure Artifacts host needs an organization and a project");
      return createArtifactsClient({
        apiBaseUrl: o.artifactsApi,
        packagesBaseUrl: o.artifactsPackages,
        organization: host.organization,
        project: host.project,
        token: await resolveCredentialRef(host.credentialRef),
      });
    },
    deployedNexus: nexusVm,
    artifactsHost: () => artifacts,
  };
}

export function createSandboxCloud(endpoints: SandboxEndpointsFile): Cloud {
  return buildCloud(
    "sandbox",
    {
      credential: new SandboxTokenCredential(),
      subscriptionId: SANDBOX_SUBSCRIPTION_ID,
      armEndpoint: endpoints.arm,
      dataPlaneScope: `${endpoints.arm}/.default`,
      blobEndpointOverride: endpoints.blob,
      artifactsApi: endpoints.artifacts,
      artifactsPackages: endpoints.artifacts,
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
    },
    (ip) => ({ baseUrl: `http://${ip}:8081`, credentialRef: options.nexusCredentialRef }),
    { baseUrl: "https://feeds.dev.azure.com", credentialRef: options.artifactsCredentialRef },
  );
}

export function readSandboxEndpoints(file: string): SandboxEndpointsFile {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SandboxEndpointsFile;
  } catch {
    throw new Error(`The sandbox cloud is not running: ${file} is missing. Start Feedgate with npm start, or the sandbox with npm run sandbox.`);
  }
}
