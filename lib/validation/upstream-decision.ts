import { z } from "zod";
import { singleLineText } from "./single-line-text";

/** An approver's decision on a proposed upstream source; shared by the form, the action and the REST route. */
export const upstreamDecisionSchema = z.object({
  upstreamId: z.string().trim().min(1).max(64),
  decision: z.enum(["approve", "decline"]),
  // One line, like every free-text field: reasons reach the audit trail, notifications and e-mails.
  reason: singleLineText().trim().min(3, "Give a reason of at least 3 characters").max(1000),
});
export type UpstreamDecisionInput = z.infer<typeof upstreamDecisionSchema>;
