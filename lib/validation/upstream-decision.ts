import { z } from "zod";

/** An approver's decision on a proposed upstream source; shared by the form, the action and the REST route. */
export const upstreamDecisionSchema = z.object({
  upstreamId: z.string().trim().min(1).max(64),
  decision: z.enum(["approve", "decline"]),
  reason: z.string().trim().min(3, "Give a reason of at least 3 characters").max(1000),
});
export type UpstreamDecisionInput = z.infer<typeof upstreamDecisionSchema>;
