import { z } from "zod";

/** An approver revokes an approved upstream source; shared by the form, the action and the REST route. */
export const upstreamRevocationSchema = z.object({
  upstreamId: z.string().trim().min(1).max(64),
  reason: z.string().trim().min(3, "Give a reason of at least 3 characters").max(1000),
});
export type UpstreamRevocationInput = z.infer<typeof upstreamRevocationSchema>;
