/**
 * One HTTP byte range (RFC 9110 §14.1.2) against a resource of `size` bytes. Pure.
 * Returns the [start, end) to send, "unsatisfiable" for a 416, or null to ignore the header and
 * send everything (no header, a malformed one, or several ranges, which the log route does not
 * combine into multipart responses).
 */
export type ByteRange = { start: number; end: number } | "unsatisfiable" | null;

export function parseByteRange(header: string | null, size: number): ByteRange {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size : Math.min(size, Number(last) + 1);
  return { start, end };
}
