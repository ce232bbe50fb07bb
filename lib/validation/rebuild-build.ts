import { z } from "zod";

/** Rebuild a succeeded build: `exact` pins its recorded lock, `fresh` resolves the packages again. */
export const rebuildBuildSchema = z.object({
  buildId: z.string().min(1).max(64),
  mode: z.enum(["exact", "fresh"]),
});
export type RebuildBuildInput = z.infer<typeof rebuildBuildSchema>;
export type RebuildMode = RebuildBuildInput["mode"];
