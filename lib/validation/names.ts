/** Names that end up in Azure resource names, repository names, Dockerfiles and URLs. */
import { z } from "zod";
import { singleLineText } from "./single-line-text";

/** AML environment names: letters, digits, `-` and `_`, starting with a letter (AML allows a digit; we are stricter). */
export const environmentNameSchema = singleLineText().regex(/^[A-Za-z][A-Za-z0-9_-]{1,63}$/, "must be 2–64 letters, digits, - or _, starting with a letter");

/** Nexus repository and Artifacts feed names we generate: lower-case, no dots, no path segments. */
export const repositoryNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be 2–63 lower-case letters, digits or -, starting with a letter or digit");

/** Resource-name prefixes for new workspaces (quickstart: 2–10 characters). */
export const namePrefixSchema = singleLineText().regex(/^[a-z][a-z0-9]{1,9}$/, "must be 2–10 lower-case letters or digits, starting with a letter");

export const teamSlugSchema = z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, "must be 2–31 lower-case letters, digits or -");

/** Derives a repository name from trusted parts; throws if the result is not a safe name. */
export function toRepositoryName(...parts: string[]): string {
  const name = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 63);
  return repositoryNameSchema.parse(name);
}
