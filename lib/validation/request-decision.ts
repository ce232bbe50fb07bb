import { z } from "zod";
import { singleLineText } from "./single-line-text";

/** An approver's decision on a submitted feed request; shared by the form, the action and the REST route. */
export const requestDecisionSchema = z.object({
  requestId: z.string().trim().min(1).max(64),
  decision: z.enum(["approve", "decline"]),
  // One line, like every free-text field: reasons reach the audit trail, notifications and e-mails.
  reason: singleLineText().trim().min(3, "Give a reason of at least 3 characters").max(1000),
});
export type RequestDecisionInput = z.infer<typeof requestDecisionSchema>;
