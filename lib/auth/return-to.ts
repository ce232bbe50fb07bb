/**
 * A same-origin path to return to after sign-in; anything else (other hosts, auth pages, control
 * characters) becomes "/". Parsed with the URL parser browsers use, against a fixed origin, so
 * what counts as "same origin" here is exactly what the browser will do with the Location:
 * `/\t/evil.example/` or `/\\evil.example` resolve to another host and are refused. Pure: the
 * sign-in page and the browser's sign-in panel both use it.
 */
const BASE = "https://feedgate.invalid";

export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 2000 || !value.startsWith("/")) return "/";
  // Browsers strip tab, LF and CR anywhere in a URL and trim C0 controls and spaces, so
  // "/\t/host" becomes "//host". Refuse them outright rather than guess what a browser makes of them.
  if (/[\u0000-\u001f\u007f\u0080-\u009f\u2028\u2029\\]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//")) return "/";
  if (url.pathname === "/signin" || url.pathname.startsWith("/signin/") || url.pathname.startsWith("/api/")) return "/";
  return path;
}
