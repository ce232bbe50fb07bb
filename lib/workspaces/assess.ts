/**
 * Whether an existing Azure ML workspace can take a private feed as it is: what would break an
 * image build inside the virtual network, in words an admin can act on. Pure.
 */
import type { WorkspaceFacts } from "@/lib/cloud/aml";

export interface PrivateBuildAssessment {
  /** Public network access off and at least one approved private endpoint. */
  isolated: boolean;
  /** Each thing that would break (or defeat) a private build, with what to do about it. */
  warnings: string[];
}

export function assessPrivateBuild(facts: Pick<WorkspaceFacts, "publicNetworkAccess" | "privateEndpoints" | "imageBuildCompute" | "storageAccount" | "containerRegistry">): PrivateBuildAssessment {
  const warnings: string[] = [];
  const publicAccess = (facts.publicNetworkAccess ?? "Enabled").toLowerCase() !== "disabled";
  const approved = facts.privateEndpoints.filter((p) => (p.status ?? "").toLowerCase() === "approved");
  if (publicAccess) warnings.push("Public network access is enabled: the workspace is reachable from the internet, so it is not network-isolated. Disable public network access before relying on a private feed.");
  if (facts.privateEndpoints.length === 0) warnings.push("The workspace has no private endpoint: compute in the virtual network cannot reach it privately. Add a private endpoint in the workspace's virtual network.");
  else if (approved.length === 0) warnings.push(`None of the workspace's ${facts.privateEndpoints.length} private endpoint${facts.privateEndpoints.length === 1 ? " is" : "s are"} approved yet; approve the connection on the workspace's Networking page.`);
  if (!facts.imageBuildCompute) warnings.push("No image-build compute is set: environment images would build outside the virtual network and cannot reach the private feed. Set one with az ml workspace update --image-build-compute <cluster>.");
  if (!facts.storageAccount) warnings.push("The workspace names no storage account, so it has no default datastore for build contexts.");
  if (!facts.containerRegistry) warnings.push("The workspace has no container registry yet; Azure ML creates one at the first image build, outside the virtual network unless you attach a private registry.");
  return { isolated: !publicAccess && approved.length > 0, warnings };
}
