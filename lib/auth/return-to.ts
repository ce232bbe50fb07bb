/** A same-site path to return to after sign-in; anything else (other hosts, auth pages) becomes "/". */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (value.startsWith("/signin") || value.startsWith("/api/")) return "/";
  return value.slice(0, 2000);
}
