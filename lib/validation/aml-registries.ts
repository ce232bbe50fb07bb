/**
 * Azure ML registries: the Admin's registration input and a team member's publish input. Shared by
 * the forms, the server actions and the workflow. Pure, so the browser shares it. Every value that
 * ends up in an ARM URL is held to a strict allow-list of Azure's own naming rules.
 */
import { z } from "zod";
import { RESOURCE_GROUP_PATTERN } from "./admin-workspaces";
import { environmentNameSchema } from "./names";
import { singleLineText } from "./single-line-text";

const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
/** Azure ML's rule for registry names (as for workspaces): 3–33 letters, digits, `-` and `_`, starting with a letter or digit. */
export const REGISTRY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/;
/** Azure ML asset versions: letters, digits, `.`, `_` and `-`, 1–30 characters, starting with a letter or digit. */
export const ASSET_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$/;
/** Azure region names as ARM spells them: lower-case letters and digits. */
const LOCATION_PATTERN = /^[a-z][a-z0-9]{1,39}$/;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const registryNameSchema = singleLineText().trim().regex(REGISTRY_NAME_PATTERN, "must be 3–33 letters, digits, - or _, starting with a letter or digit");
export const assetVersionSchema = singleLineText().trim().regex(ASSET_VERSION_PATTERN, "must be 1–30 letters, digits, ., _ or -, starting with a letter or digit");
const idSchema = (what: string) => singleLineText().trim().min(1, `pick ${what}`).regex(ID_PATTERN, `pick ${what} from the list`);

export const registerRegistryInputSchema = z.object({
  subscriptionId: singleLineText().trim().regex(GUID, "is not a subscription id (a GUID)"),
  resourceGroup: singleLineText().trim().regex(RESOURCE_GROUP_PATTERN, "is not a resource group name (letters, digits, _ - . ( ), at most 90, not ending in a period)"),
  name: registryNameSchema,
  location: singleLineText().trim().toLowerCase().regex(LOCATION_PATTERN, "is not an Azure region name (such as eastus)"),
  teamIds: z.array(idSchema("a team")).min(1, "pick at least one team").max(50, "at most 50 teams"),
});
export type RegisterRegistryInput = z.infer<typeof registerRegistryInputSchema>;

export const setRegistryTeamsInputSchema = z.object({
  registryId: idSchema("a registry"),
  teamIds: z.array(idSchema("a team")).min(1, "pick at least one team").max(50, "at most 50 teams"),
});
export type SetRegistryTeamsInput = z.infer<typeof setRegistryTeamsInputSchema>;

/** Publish a built environment version to one of the team's registries, under its own name and version unless given. */
export const publishEnvironmentInputSchema = z.object({
  environmentId: idSchema("an environment"),
  registryId: idSchema("a registry"),
  destinationName: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), environmentNameSchema.optional()),
  destinationVersion: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), assetVersionSchema.optional()),
});
export type PublishEnvironmentInput = z.infer<typeof publishEnvironmentInputSchema>;

/** `/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.MachineLearningServices/registries/{name}` */
export function registryArmId(input: { subscriptionId: string; resourceGroup: string; name: string }): string {
  return `/subscriptions/${input.subscriptionId.toLowerCase()}/resourceGroups/${input.resourceGroup}/providers/Microsoft.MachineLearningServices/registries/${input.name}`;
}
