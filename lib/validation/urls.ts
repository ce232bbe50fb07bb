/**
 * URL allow-lists. Upstream URLs are proposed by users and later fetched by Feedgate and by
 * Nexus, so they must be public https origins: no file:, no credentials, no IP literals in
 * private, loopback or link-local ranges (cloud metadata lives at 169.254.169.254).
 */
import { isIP } from "node:net";
import { z } from "zod";
import { singleLineText } from "./single-line-text";

const SAFE_URL_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

export const upstreamUrlSchema = singleLineText()
  .trim()
  .max(300, "is longer than 300 characters")
  .superRefine((value, ctx) => {
    const problem = explainUpstreamUrl(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((v) => new URL(v).toString());

export function explainUpstreamUrl(value: string): string | undefined {
  if (!SAFE_URL_CHARS.test(value)) return "contains characters that are not allowed in a URL";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:") return "must use https://";
  if (url.username || url.password) return "must not contain credentials; register them on the feed host instead";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return "must use a DNS name, not an IP address";
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(host)) return "must have a fully qualified host name";
  if (/(^|\.)(localhost|local|internal|localdomain)$/i.test(host)) return "must be a public host";
  if (url.search || url.hash) return "must not have a query or fragment";
  return undefined;
}

/**
 * Client URLs that Feedgate itself produced (feed index and channel URLs). They are written
 * into config files and Dockerfiles, so only a conservative character set is accepted.
 */
export const feedUrlSchema = z
  .string()
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~\-/]*)?$/, "is not a plain http(s) URL");
