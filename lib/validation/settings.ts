import { z } from "zod";

/** The Admin's two-person-rule switch; shared by the settings form and its action. */
export const twoPersonRuleSchema = z.object({ enabled: z.boolean() });
export type TwoPersonRuleInput = z.infer<typeof twoPersonRuleSchema>;
