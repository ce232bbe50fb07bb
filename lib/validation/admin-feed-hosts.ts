/**
 * The Admin's feed-host form: a Nexus host (https base URL, optional CA, credential reference) or
 * an Azure Artifacts organisation/project (PAT reference). Shared by the form (client side, before
 * sending), the server action and the REST route. Pure: no server-only, so the browser shares it.
 * The credential is always a reference (env:, file: or a Key Vault secret URI), never the secret.
 */
import { z } from "zod";
import { credentialRefProblem } from "@/lib/validation/credential-ref";
import { singleLineText } from "./single-line-text";

export const FEED_HOST_KINDS = ["nexus", "artifacts"] as const;
export type FeedHostKind = (typeof FEED_HOST_KINDS)[number];

export const FEED_HOST_STATUSES = ["PROVISIONING", "ACTIVE", "DISABLED"] as const;
export type FeedHostStatus = (typeof FEED_HOST_STATUSES)[number];

export const BASE_URL_MAX = 2048;
export const CA_CERTIFICATE_MAX = 20_000;

export const feedHostNameSchema = singleLineText()
  .trim()
  .regex(/^[a-z0-9-]{2,60}$/, "must be 2–60 characters: lower-case letters, digits and hyphens");

/**
 * An https URL with a host, no user name or password, no query and no fragment, no whitespace.
 * Normalised to scheme://host[:port]/path without trailing slashes (the host lower-cased, :443
 * dropped), so one Nexus is not registered twice under two spellings.
 */
export const feedHostBaseUrlSchema = singleLineText()
  .max(BASE_URL_MAX, `must be at most ${BASE_URL_MAX} characters`)
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, abort: true });
  })
  .transform(normaliseBaseUrl);

function baseUrlProblem(value: string): string | undefined {
  if (/\s/.test(value)) return "must not contain spaces";
  if (!/^https:\/\//i.test(value)) return "must start with https://";
  if (value.includes("?") || value.includes("#")) return "must not have a query (?…) or fragment (#…)";
  if (value.includes("\\")) return "must not contain a backslash";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a valid URL";
  }
  if (url.protocol !== "https:") return "must start with https://";
  if (url.username || url.password || value.slice("https://".length).split("/")[0]?.includes("@")) return "must not contain a user name or password: give the credential as a reference";
  if (!url.hostname) return "must name a host";
  return undefined;
}

function normaliseBaseUrl(value: string): string {
  const url = new URL(value);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/** A reference to where the credential lives (lib/cloud/credentials.ts), checked by the same parser the worker uses. */
export const credentialRefSchema = singleLineText()
  .max(BASE_URL_MAX, `must be at most ${BASE_URL_MAX} characters`)
  .superRefine((value, ctx) => {
    const problem = credentialRefProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Azure DevOps organisation and project names, as lib/cloud/artifacts.ts puts them into URLs. */
const ARTIFACTS_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const slugMessage = "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit";
export const organizationSchema = singleLineText().trim().regex(ARTIFACTS_SLUG, slugMessage);
export const projectSchema = singleLineText().trim().regex(ARTIFACTS_SLUG, slugMessage);

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;
const PEM_BODY = /^[A-Za-z0-9+/=\r\n\t ]+$/;
const PEM_WHITESPACE = /^[\r\n\t ]*$/;

/** Undefined when the text is one or more PEM certificate blocks and whitespace, else why not. */
export function caCertificateProblem(text: string): string | undefined {
  if (text.length > CA_CERTIFICATE_MAX) return `must be at most ${CA_CERTIFICATE_MAX} characters`;
  let blocks = 0;
  let badBody = false;
  const rest = text.replace(PEM_BLOCK, (_match, body: string) => {
    blocks += 1;
    if (!PEM_BODY.test(body) || body.replace(/[\r\n\t ]/g, "").length === 0) badBody = true;
    return "\n";
  });
  if (badBody) return "a certificate block holds something other than base64";
  if (!PEM_WHITESPACE.test(rest)) return "must contain only PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----), nothing else";
  if (blocks === 0) return "must contain at least one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)";
  return undefined;
}

/** Multi-line by nature (PEM), so not singleLineText: the PEM check itself allows only base64 and whitespace. */
export const caCertificateSchema = z
  .string()
  .max(CA_CERTIFICATE_MAX, `must be at most ${CA_CERTIFICATE_MAX} characters`)
  .superRefine((value, ctx) => {
    const problem = caCertificateProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((value) => `${value.trim().replace(/\r\n?/g, "\n")}\n`);

/** An empty text field means "none". */
const optionalCa = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), caCertificateSchema.nullable().optional());

export const registerNexusHostSchema = z.object({
  kind: z.literal("nexus"),
  name: feedHostNameSchema,
  baseUrl: feedHostBaseUrlSchema,
  credentialRef: credentialRefSchema,
  caCertificate: optionalCa,
});

export const registerArtifactsHostSchema = z.object({
  kind: z.literal("artifacts"),
  name: feedHostNameSchema,
  organization: organizationSchema,
  project: projectSchema,
  credentialRef: credentialRefSchema,
});

export const registerFeedHostSchema = z.discriminatedUnion("kind", [registerNexusHostSchema, registerArtifactsHostSchema]);
export type RegisterFeedHostInput = z.output<typeof registerFeedHostSchema>;

/**
 * Every field optional; the domain refuses fields of the other kind (baseUrl and caCertificate are
 * Nexus', organization and project Artifacts'). caCertificate null (or "") removes it.
 */
export const updateFeedHostSchema = z.object({
  baseUrl: feedHostBaseUrlSchema.optional(),
  credentialRef: credentialRefSchema.optional(),
  caCertificate: optionalCa,
  organization: organizationSchema.optional(),
  project: projectSchema.optional(),
});
export type UpdateFeedHostInput = z.output<typeof updateFeedHostSchema>;

export const feedHostStatusSchema = z.enum(FEED_HOST_STATUSES);

/** Why a host is disabled or enabled again: one line, kept in the audit event. */
export const feedHostReasonSchema = singleLineText().trim().max(500, "must be at most 500 characters");

/** The disable/enable form: a reason is required to disable. */
export const setFeedHostEnabledSchema = z
  .object({ enabled: z.boolean(), reason: feedHostReasonSchema.default("") })
  .superRefine((v, ctx) => {
    if (!v.enabled && v.reason.length === 0) ctx.addIssue({ code: "custom", path: ["reason"], message: "say why the host is disabled" });
  });
export type SetFeedHostEnabledInput = z.output<typeof setFeedHostEnabledSchema>;
