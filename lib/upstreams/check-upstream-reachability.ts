/**
 * Does an upstream URL answer? Feedgate fetches a URL that a user typed, so the check is built
 * against server-side request forgery: only URLs that pass the upstream allow-list are tried,
 * every address the name resolves to must be public (checked in the socket's own lookup, so a
 * DNS answer cannot change between the check and the connection), redirects are followed by
 * hand and each target is checked the same way, and the whole check has a short deadline.
 */
import "server-only";
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { request } from "node:https";
import { BlockList, isIP } from "node:net";
import { explainUpstreamUrl } from "@/lib/validation/urls";

export type Reachability =
  | { state: "answered"; status: number; url: string; ms: number }
  | { state: "refused"; detail: string }
  | { state: "no-answer"; detail: string };

const MAX_REDIRECTS = 3;

const CACHE_MS = 60_000;
const recent = new Map<string, { at: number; result: Promise<Reachability> }>();

/**
 * The queue renders a check per proposed source on every visit; answers are reused for a minute
 * so reloading the page does not send another round of requests to every upstream.
 */
export function checkUpstreamReachabilityCached(url: string): Promise<Reachability> {
  const now = Date.now();
  const hit = recent.get(url);
  if (hit && now - hit.at < CACHE_MS) return hit.result;
  if (recent.size > 500) recent.clear();
  const result = checkUpstreamReachability(url);
  recent.set(url, { at: now, result });
  return result;
}

export async function checkUpstreamReachability(url: string, options: { timeoutMs?: number } = {}): Promise<Reachability> {
  const deadline = Date.now() + (options.timeoutMs ?? 3000);
  const started = Date.now();
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const problem = explainUpstreamUrl(current);
    if (problem) return { state: "refused", detail: hop === 0 ? `The URL ${problem}.` : `It redirects to ${current}, which ${problem}.` };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { state: "no-answer", detail: "did not answer in time" };
    const answer = await probeOnce(current, remaining);
    if (answer.kind === "error") return answer.isBlocked ? { state: "refused", detail: answer.detail } : { state: "no-answer", detail: answer.detail };
    if (answer.status >= 300 && answer.status < 400 && answer.location) {
      current = new URL(answer.location, current).toString();
      continue;
    }
    return { state: "answered", status: answer.status, url: current, ms: Date.now() - started };
  }
  return { state: "refused", detail: `more than ${MAX_REDIRECTS} redirects` };
}

type ProbeAnswer = { kind: "response"; status: number; location?: string } | { kind: "error"; detail: string; isBlocked: boolean };

class BlockedAddressError extends Error {}

function probeOnce(url: string, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    const req = request(url, { method: "GET", lookup: publicOnlyLookup, timeout: timeoutMs, headers: { "User-Agent": "Feedgate upstream check", Accept: "text/html, application/json" } }, (res) => {
      const location = typeof res.headers.location === "string" ? res.headers.location : undefined;
      resolve({ kind: "response", status: res.statusCode ?? 0, location });
      res.destroy();
    });
    const timer = setTimeout(() => req.destroy(new Error("did not answer in time")), timeoutMs);
    req.on("timeout", () => req.destroy(new Error("did not answer in time")));
    req.on("error", (error) => {
      clearTimeout(timer);
      resolve(error instanceof BlockedAddressError ? { kind: "error", detail: error.message, isBlocked: true } : { kind: "error", detail: describeNetworkError(error), isBlocked: false });
    });
    req.on("close", () => clearTimeout(timer));
    req.end();
  });
}

/** A dns.lookup replacement for the socket: resolves as usual, then refuses non-public addresses. */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked || addresses.length === 0) return callback(new BlockedAddressError(`${hostname} resolves to a private or reserved address; Feedgate does not fetch it.`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
}

const PRIVATE_RANGES = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 3]] as const) {
    list.addSubnet(net, prefix, "ipv4");
  }
  for (const [net, prefix] of [["::", 127], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2001:db8::", 32]] as const) list.addSubnet(net, prefix, "ipv6");
  return list;
})();

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return !PRIVATE_RANGES.check(mapped[1], "ipv4");
    return !PRIVATE_RANGES.check(address, "ipv6");
  }
  return !PRIVATE_RANGES.check(address, "ipv4");
}

function describeNetworkError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "its host name does not resolve from Feedgate";
  if (code === "ECONNREFUSED") return "the connection was refused";
  if (code === "ECONNRESET") return "the connection was reset";
  if (code && /CERT|SSL|TLS/.test(code)) return "its TLS certificate is not trusted";
  return error.message === "did not answer in time" ? error.message : "the connection failed";
}
