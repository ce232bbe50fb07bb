/**
 * Who is on the other end of a request. Next.js route handlers cannot see the socket, so the
 * portal server (scripts/server.ts) decides once per request, with `withClientAddress`, and
 * hands the answer to the app in one header that no client can set: any client-sent copy is
 * removed first. Route handlers read only that header (`clientAddressOf`).
 * No "server-only": the portal server runs this outside React Server Components.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { formatIp, isInAnyRange, parseIp, type IpRange } from "./ip-address";

export const CLIENT_ADDRESS_HEADER = "x-feedgate-client-address";

/** What a request that did not come through the portal server (tests calling handlers) is. */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * The client address by one rule: the socket peer, unless the peer is a trusted proxy; then the
 * X-Forwarded-For entries are read right to left (each hop appends the address it saw), skipping
 * trusted proxies, and the first entry that is not one is the client. Entries to its left were
 * written by the client and are never read. When every hop is trusted, the left-most is used;
 * an entry that is not an IP address ends the walk at the hop that wrote it.
 */
export function resolveClientAddress(socketAddress: string | undefined, forwardedFor: string | readonly string[] | undefined, trusted: readonly IpRange[]): string {
  const peer = socketAddress === undefined ? null : parseIp(socketAddress);
  if (!peer) return UNKNOWN_ADDRESS;
  let client = peer;
  if (!isInAnyRange(client, trusted)) return formatIp(client);
  const hops = (typeof forwardedFor === "string" ? [forwardedFor] : (forwardedFor ?? [])).join(",").split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const entry = hops[i]?.trim() ?? "";
    if (entry === "") continue;
    const hop = parseIp(stripPort(entry));
    if (!hop) break;
    client = hop;
    if (!isInAnyRange(hop, trusted)) break;
  }
  return formatIp(client);
}

/**
 * Wraps the portal's request handler: before the app sees a request, any client-sent
 * X-Feedgate-Client-Address is removed (from `headers` and `rawHeaders`, however many copies and
 * whatever their case) and the header is set from `resolveClientAddress`.
 */
export function withClientAddress(trusted: readonly IpRange[], handler: (req: IncomingMessage, res: ServerResponse) => unknown) {
  return (req: IncomingMessage, res: ServerResponse) => {
    stampClientAddress(req, trusted);
    return handler(req, res);
  };
}

export function stampClientAddress(req: IncomingMessage, trusted: readonly IpRange[]): string {
  const address = resolveClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trusted);
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? "";
    if (name.toLowerCase() !== CLIENT_ADDRESS_HEADER) raw.push(name, req.rawHeaders[i + 1] ?? "");
  }
  raw.push(CLIENT_ADDRESS_HEADER, address);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  req.headers[CLIENT_ADDRESS_HEADER] = address;
  return address;
}

/** The client address the portal server stamped on this request, or "unknown". */
export function clientAddressOf(headers: Headers): string {
  const value = headers.get(CLIENT_ADDRESS_HEADER)?.trim();
  return value && value.length <= 64 ? value : UNKNOWN_ADDRESS;
}

/**
 * The key a per-client limit counts under: an IPv4 address as is, an IPv6 address by its /64,
 * because one IPv6 host usually holds a whole /64 and could otherwise pick a fresh address for
 * every request.
 */
export function clientKeyOf(address: string): string {
  const ip = parseIp(address);
  if (!ip) return address;
  if (ip.family === 4) return formatIp(ip);
  const network = new Uint8Array(16);
  network.set(ip.bytes.slice(0, 8));
  return `${formatIp({ family: 6, bytes: network })}/64`;
}

/** `1.2.3.4:5678` and `[::1]:5678` as some proxies write them; a bare IPv6 address is left alone. */
function stripPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed?.[1]) return bracketed[1];
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return v4WithPort?.[1] ?? entry;
}
