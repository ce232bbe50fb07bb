/** The cloud this process talks to, chosen by configuration alone. */
import "server-only";
import path from "node:path";
import { DefaultAzureCredential } from "@azure/identity";
import type { Env } from "@/lib/env";
import { createAzureCloud, createSandboxCloud, readSandboxEndpoints, type Cloud } from "./cloud";

export function sandboxEndpointsFile(env: Pick<Env, "DATA_DIR">): string {
  return path.join(env.DATA_DIR, "sandbox", "endpoints.json");
}

export function loadCloud(env: Env): Cloud {
  if (!env.AZURE_SUBSCRIPTION_ID) return createSandboxCloud(readSandboxEndpoints(sandboxEndpointsFile(env)));
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
