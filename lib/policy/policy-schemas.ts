/** Zod schemas shared by the policy forms, server actions and /api/v1/policy routes. */
import { z } from "zod";
import { singleLineText } from "@/lib/validation/single-line-text";

/** A PEP 508 project name (letters, digits, and . _ - inside). */
export const packageNameSchema = singleLineText()
  .trim()
  .min(1, "Enter a package name.")
  .max(100)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, "A package name has letters, digits, and . _ - between them.");

// One line of printable text (no line breaks, C0/C1 controls or U+2028/U+2029), as every free-text field.
const reasonSchema = singleLineText().trim().min(3, "Say why, in a few words.").max(500);

export const packageBlockInputSchema = z.object({ name: packageNameSchema, reason: reasonSchema });
export type PackageBlockInput = z.infer<typeof packageBlockInputSchema>;

export const packageUnblockInputSchema = z.object({ name: packageNameSchema });

export const allowListInputSchema = z.object({
  upstreamId: z.string().min(1).max(64),
  /** null = all packages. */
  allowList: z.array(packageNameSchema).max(500).nullable(),
  reason: reasonSchema,
});
export type AllowListInput = z.infer<typeof allowListInputSchema>;

export const upstreamOrderInputSchema = z.object({
  feedId: z.string().min(1).max(64),
  /** Every upstream of the feed, first answers first. */
  upstreamIds: z.array(z.string().min(1).max(64)).min(1).max(50),
});
export type UpstreamOrderInput = z.infer<typeof upstreamOrderInputSchema>;

export const repairFeedInputSchema = z.object({ feedId: z.string().min(1).max(64) });
