/**
 * The Admin's team form: slug, name, mapped Entra groups and settings. Shared by the form (client
 * side, before sending), the server action and the REST route. Pure, so the browser shares it.
 */
import { z } from "zod";
import { AZURE_REGIONS } from "./regions";
import { printable, singleLineText, splitAnyLineBreak } from "./single-line-text";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export const teamSlugSchema = singleLineText()
  .trim()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "must be 2–40 characters: lower-case letters, digits and hyphens, not starting or ending with a hyphen")
  .refine((v) => v.length >= 2, "must be at least 2 characters");

export const teamNameSchema = singleLineText().trim().min(2, "must be at least 2 characters").max(80, "must be at most 80 characters");

/** Entra group object ids: GUIDs only, normalised to lower case and de-duplicated; the error names the bad entry. */
export const teamGroupIdsSchema = z
  .array(z.string())
  .max(50, "at most 50 groups")
  .superRefine((ids, ctx) => {
    for (const id of ids) {
      if (!GUID.test(id.trim().toLowerCase()) || /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(id)) {
        ctx.addIssue({ code: "custom", message: `\`${printable(id)}\` is not a group object id (a GUID such as 00000000-0000-0000-0000-000000000000)` });
        return;
      }
    }
  })
  .transform((ids) => [...new Set(ids.map((id) => id.trim().toLowerCase()))].sort());

export const teamRegionSchema = singleLineText().pipe(z.enum(AZURE_REGIONS, { message: "must be one of the listed Azure regions" }));

/** IPv4 CIDR from /8 to /24, written at its network address (10.40.0.0/16, not 10.40.3.0/16). */
export const addressPoolSchema = singleLineText()
  .trim()
  .refine((v) => {
    const m = CIDR.exec(v);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (octets.some((o) => o > 255) || bits < 8 || bits > 24) return false;
    const int = octets.reduce((n, o) => n * 256 + o, 0);
    return int % 2 ** (32 - bits) === 0;
  }, "must be an IPv4 range from /8 to /24 at its network address, such as 10.40.0.0/16");

const optionalSetting = <T extends z.ZodType<string>>(schema: T) =>
  z.preprocess((v) => (v === "" ? null : v), schema.nullable().optional());

/** Team-scoped approvers, by user id; empty means every Approver decides the team's requests. */
export const teamApproverIdsSchema = z
  .array(singleLineText().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a user id"))
  .max(20, "at most 20 team approvers")
  .transform((ids) => [...new Set(ids)].sort());

export const createTeamSchema = z.object({
  slug: teamSlugSchema,
  name: teamNameSchema,
  groupIds: teamGroupIdsSchema.default([]),
  approverIds: teamApproverIdsSchema.default([]),
  defaultRegion: optionalSetting(teamRegionSchema),
  addressPool: optionalSetting(addressPoolSchema),
});
export type CreateTeamInput = z.output<typeof createTeamSchema>;

export const updateTeamSchema = z.object({
  slug: teamSlugSchema.optional(),
  name: teamNameSchema.optional(),
  groupIds: teamGroupIdsSchema.optional(),
  approverIds: teamApproverIdsSchema.optional(),
  defaultRegion: optionalSetting(teamRegionSchema),
  addressPool: optionalSetting(addressPoolSchema),
});
export type UpdateTeamInput = z.output<typeof updateTeamSchema>;

export const updateTeamActionSchema = updateTeamSchema.extend({ id: singleLineText().trim().regex(/^[a-z0-9]{8,40}$/, "is not a valid id") });

/** The form's textarea: one group id per line (or comma-separated); every line terminator splits. */
export function parseGroupIdList(text: string): string[] {
  return splitAnyLineBreak(text)
    .flatMap((line) => line.split(","))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export { fieldErrorsOf } from "./field-errors";
