/** The cloud this process talks to, chosen by configuration alone. */
import "server-only";
import path from "node:path";
import { DefaultAzureCredential } from "@azure/identity";
import type { Env } from "@/lib/env";
import { createAzureCloud, createSandboxCloud, readSandboxEndpoints, sandboxManagedIdentityEnv, type Cloud, type SandboxEndpointsFile } from "./cloud";

export function sandboxEndpointsFile(env: Pick<Env, "DATA_DIR">): string {
  return path.join(env.DATA_DIR, "sandbox", "endpoints.json");
}

export function loadCloud(env: Env): Cloud {
  if (!env.AZURE_SUBSCRIPTION_ID) return loadSandboxCloud(readSandboxEndpoints(sandboxEndpointsFile(env)));
  return createAzureCloud({
    credential: new DefaultAzureCredential(),
    subscriptionId: env.AZURE_SUBSCRIPTION_ID,
    nexusCredentialRef: env.NEXUS_CREDENTIAL_REF,
    artifactsCredentialRef: env.AZURE_DEVOPS_CREDENTIAL_REF,
  });
}

let webCloud: { key: string; cloud: Cloud } | undefined;

/**
 * The portal's own Cloud, for the admin's reads of ARM (workspace discovery and registration).
 * Built once per configuration; in embedded mode it follows the sandbox's endpoints.json.
 */
export function getWebCloud(env: Env): Cloud {
  const key = env.AZURE_SUBSCRIPTION_ID ?? `sandbox:${sandboxEndpointsFile(env)}`;
  if (webCloud?.key !== key) webCloud = { key, cloud: loadCloud(env) };
  return webCloud.cloud;
}

/**
 * The sandbox cloud with the worker's production identity: DefaultAzureCredential, which finds the
 * sandbox's managed identity. msal-node picks a managed identity source once per process, so a
 * process works with one sandbox's identity (tests that start several use sandboxCredential).
 */
export function loadSandboxCloud(endpoints: SandboxEndpointsFile): Cloud {
  adoptSandboxManagedIdentity(endpoints);
  return createSandboxCloud(endpoints, new DefaultAzureCredential());
}

/**
 * npm start hands the worker and the portal IDENTITY_ENDPOINT/IDENTITY_HEADER; a process started
 * on its own next to a running sandbox (npm run worker) gets them here, from endpoints.json, before
 * DefaultAzureCredential is built. In sandbox mode the sandbox's endpoints.json is the truth, so a
 * value left over from an earlier sandbox is replaced.
 */
function adoptSandboxManagedIdentity(endpoints: SandboxEndpointsFile): void {
  Object.assign(process.env, sandboxManagedIdentityEnv(endpoints));
}
