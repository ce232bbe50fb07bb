/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, parsed by hand so the same code runs in lib/env.ts
 * (validation of TRUSTED_PROXIES), the portal server and the route handlers. An IPv4-mapped IPv6
 * address (`::ffff:127.0.0.1`, which a dual-stack socket reports for IPv4 clients) is the IPv4
 * address it maps, everywhere: in matching, in rate-limit keys and in the audit trail.
 * Pure: no imports.
 */

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

export interface IpRange extends IpAddress {
  /** Leading bits that must match: 0–32 for IPv4, 0–128 for IPv6. */
  prefix: number;
}

/** The address in `text`, or null when it is not one. Accepts `[v6]` brackets and a `%zone` suffix. */
export function parseIp(text: string): IpAddress | null {
  const value = text.trim().replace(/^\[(.*)\]$/, "$1").replace(/%[\w.-]+$/, "");
  if (value.includes(":")) {
    const bytes = parseIpv6(value);
    if (!bytes) return null;
    return isIpv4Mapped(bytes) ? { family: 4, bytes: bytes.slice(12) } : { family: 6, bytes };
  }
  const bytes = parseIpv4(value);
  return bytes ? { family: 4, bytes } : null;
}

/** `a.b.c.d` or `x:y::z` in canonical form (RFC 5952 for IPv6). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [...ip.bytes].join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((ip.bytes[2 * i] ?? 0) << 8) | (ip.bytes[2 * i + 1] ?? 0));
  const run = longestZeroRun(groups);
  const hex = groups.map((g) => g.toString(16));
  if (run.length < 2) return hex.join(":");
  return `${hex.slice(0, run.start).join(":")}::${hex.slice(run.start + run.length).join(":")}`;
}

/** The canonical text of an address, or null when `text` is not one. */
export function normalizeIp(text: string): string | null {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128). Null when malformed. */
export function parseIpRange(text: string): IpRange | null {
  const [address, prefixText, ...rest] = text.trim().split("/");
  if (address === undefined || rest.length > 0) return null;
  const raw = address.includes(":") ? parseIpv6(address.replace(/^\[(.*)\]$/, "$1")) : parseIpv4(address);
  if (!raw) return null;
  const bits = raw.length * 8;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  let prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  if (raw.length === 16 && isIpv4Mapped(raw) && prefix >= 96) {
    // `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8.
    prefix -= 96;
    return { family: 4, bytes: raw.slice(12), prefix };
  }
  return { family: raw.length === 4 ? 4 : 6, bytes: raw, prefix };
}

export function isInRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.family !== range.family) return false;
  const whole = Math.floor(range.prefix / 8);
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== range.bytes[i]) return false;
  const rest = range.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip.bytes[whole] ?? 0) & mask) === ((range.bytes[whole] ?? 0) & mask);
}

export function isInAnyRange(ip: IpAddress, ranges: readonly IpRange[]): boolean {
  return ranges.some((r) => isInRange(ip, r));
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const isCompressed = halves.length === 2;
  // An embedded IPv4 address may only end the whole address.
  const head = parseGroups(halves[0] ?? "", !isCompressed);
  const tail = isCompressed ? parseGroups(halves[1] ?? "", true) : [];
  if (!head || !tail) return null;
  if (isCompressed ? head.length + tail.length > 7 : head.length !== 8) return null;
  const bytes = new Uint8Array(16);
  head.forEach((g, i) => bytes.set(g, 2 * i));
  tail.forEach((g, i) => bytes.set(g, 2 * (8 - tail.length + i)));
  return bytes;
}

/** Colon-separated hex groups as byte pairs; `mayEndInIpv4` allows a dotted quad as the last one. */
function parseGroups(text: string, mayEndInIpv4: boolean): number[][] | null {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[][] = [];
  for (const [i, part] of parts.entries()) {
    if (mayEndInIpv4 && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (!v4) return null;
      groups.push([v4[0] ?? 0, v4[1] ?? 0], [v4[2] ?? 0, v4[3] ?? 0]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      const n = parseInt(part, 16);
      groups.push([n >> 8, n & 0xff]);
    } else {
      return null;
    }
  }
  return groups;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function longestZeroRun(groups: number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = -1;
  groups.forEach((g, i) => {
    if (g !== 0) {
      start = -1;
      return;
    }
    if (start < 0) start = i;
    if (i - start + 1 > best.length) best = { start, length: i - start + 1 };
  });
  return best;
}
