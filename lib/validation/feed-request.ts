/**
 * The request wizard's payload: one schema for the form, the server action and the job.
 * Every free-text field is either an id looked up later or passes a strict allow-list, and
 * every one of them, choices included, first passes singleLineText: no line break or control
 * character anywhere, checked before any trim could hide one at an end.
 */
import { z } from "zod";
import { BASE_IMAGE_IDS } from "@/lib/validation/base-images";
import { environmentNameSchema, namePrefixSchema } from "./names";
import { condaSpecSchema, pipRequirementSchema } from "./package-specs";
import { AZURE_REGIONS } from "./regions";
import { singleLineText } from "./single-line-text";
import { upstreamUrlSchema } from "./urls";

export { AZURE_REGIONS } from "./regions";

const id = singleLineText().trim().regex(/^[a-z0-9]{8,40}$/, "is not a valid id");

/** IPv4 CIDR, /16 to /24: big enough for training and scoring subnets, small enough to plan. */
export const cidrSchema = singleLineText()
  .trim()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(1[6-9]|2[0-4])$/, "must be an IPv4 range such as 10.42.0.0/16 (from /16 to /24)")
  .refine((v) => v.split("/")[0]?.split(".").every((o) => Number(o) <= 255), "has an octet above 255");

export const workspaceChoiceSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("existing"), workspaceId: id }),
  z.object({ mode: z.literal("new"), region: singleLineText().pipe(z.enum(AZURE_REGIONS)), namePrefix: namePrefixSchema, addressSpace: cidrSchema }),
]);

export const feedHostChoiceSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("existing"), hostId: id }),
  z.object({ mode: z.literal("new-nexus-vm") }),
  z.object({
    mode: z.literal("artifacts"),
    organization: singleLineText().trim().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/, "must be an Azure DevOps organization name"),
    project: singleLineText().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be a project name without spaces"),
  }),
]);

export const upstreamProposalSchema = z.object({
  name: singleLineText().trim().regex(/^[a-z0-9][a-z0-9.-]{1,40}$/, "must be 2–41 lower-case letters, digits, . or -"),
  kind: z.enum(["pypi", "conda"]),
  url: upstreamUrlSchema,
  justification: singleLineText().trim().min(10, "tell approvers why, in at least 10 characters").max(1000),
  allowList: z.array(singleLineText().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "is not a package name")).max(500).optional(),
});

export const environmentRequestSchema = z.object({
  name: environmentNameSchema,
  baseImage: singleLineText().pipe(z.enum(BASE_IMAGE_IDS)),
  conda: z.array(condaSpecSchema).max(200).default([]),
  pip: z.array(pipRequirementSchema).max(500).default([]),
});

export const feedRequestSchema = z
  .object({
    teamId: id,
    title: singleLineText().trim().min(3, "needs at least 3 characters").max(120),
    workspace: workspaceChoiceSchema,
    feedHost: feedHostChoiceSchema,
    upstreamIds: z.array(id).max(20).default([]),
    proposedUpstreams: z.array(upstreamProposalSchema).max(5).default([]),
    environments: z.array(environmentRequestSchema).max(10).default([]),
  })
  .superRefine((v, ctx) => {
    if (v.upstreamIds.length + v.proposedUpstreams.length === 0) {
      ctx.addIssue({ code: "custom", path: ["upstreamIds"], message: "pick at least one upstream source, or propose one" });
    }
    const names = new Set<string>();
    v.environments.forEach((e, i) => {
      if (names.has(e.name)) ctx.addIssue({ code: "custom", path: ["environments", i, "name"], message: "is used twice in this request" });
      names.add(e.name);
      if (v.feedHost.mode === "artifacts" && e.conda.length) {
        ctx.addIssue({ code: "custom", path: ["environments", i, "conda"], message: "Azure Artifacts has no conda: use a Nexus host, or move these to pip" });
      }
    });
  });

export type FeedRequestInput = z.input<typeof feedRequestSchema>;
export type FeedRequestPayload = z.output<typeof feedRequestSchema>;
