/**
 * The Admin's workspace discovery and registration inputs. Shared by the form, the server actions
 * and the REST routes. Pure, so the browser shares it. Every value that ends up in an ARM URL is
 * held to a strict allow-list of ARM's own naming rules.
 */
import { z } from "zod";
import { singleLineText } from "./single-line-text";

/** ARM's rule for resource group names: letters, digits, `_`, `-`, `.`, `(`, `)`; 1–90 characters, not ending in a period. */
export const RESOURCE_GROUP_PATTERN = /^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$/;
/** Azure ML's rule for workspace names: 3–33 letters, digits, `-` and `_`, starting with a letter or digit. */
const WORKSPACE_NAME = "[A-Za-z0-9][A-Za-z0-9_-]{2,32}";
const GUID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
/** `/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.MachineLearningServices/workspaces/<name>`, and nothing else. */
export const WORKSPACE_ARM_ID_PATTERN = new RegExp(`^/subscriptions/(${GUID})/resourceGroups/([A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-])/providers/Microsoft\\.MachineLearningServices/workspaces/(${WORKSPACE_NAME})$`, "i");

export const resourceGroupSchema = singleLineText().trim().regex(RESOURCE_GROUP_PATTERN, "is not a resource group name (letters, digits, _ - . ( ), at most 90, not ending in a period)");

export const workspaceArmIdSchema = singleLineText()
  .trim()
  .regex(WORKSPACE_ARM_ID_PATTERN, "is not an Azure ML workspace id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.MachineLearningServices/workspaces/<name>)");

const teamIdSchema = singleLineText().trim().min(1, "pick a team").regex(/^[A-Za-z0-9_-]{1,64}$/, "pick a team from the list");

export const registerWorkspaceInputSchema = z.object({ armId: workspaceArmIdSchema, teamId: teamIdSchema });
export type RegisterWorkspaceInput = z.infer<typeof registerWorkspaceInputSchema>;

/** An empty filter means the whole subscription. */
export const discoverWorkspacesInputSchema = z.object({
  resourceGroup: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), resourceGroupSchema.optional()),
});
export type DiscoverWorkspacesInput = z.infer<typeof discoverWorkspacesInputSchema>;

/** The parts of a workspace id that passed WORKSPACE_ARM_ID_PATTERN. */
export function parseWorkspaceArmId(armId: string): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = WORKSPACE_ARM_ID_PATTERN.exec(armId);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { subscriptionId: m[1].toLowerCase(), resourceGroup: m[2], name: m[3] };
}
