/**
 * Address-space allocation for new workspaces: the next free block (a /24 by default) inside a
 * team's pool that overlaps no range already in use. Pure and deterministic: the same pool and the
 * same used ranges always give the same answer, the lowest free block.
 */

export class AddressPoolExhaustedError extends Error {
  override name = "AddressPoolExhaustedError";
}

export function allocateAddressSpace(pool: string, used: readonly string[], prefixLength = 24): string {
  const [poolStart, poolEnd] = cidrBounds(pool);
  const poolBits = Number(pool.split("/")[1]);
  if (prefixLength < poolBits) throw new AddressPoolExhaustedError(`The pool ${pool} is smaller than a /${prefixLength}.`);
  const size = 2 ** (32 - prefixLength);
  const taken = used
    .filter(isCidr)
    .map(cidrBounds)
    .filter(([s, e]) => s <= poolEnd && e >= poolStart)
    .sort((a, b) => a[0] - b[0]);
  let candidate = poolStart;
  for (const [s, e] of taken) {
    if (candidate + size - 1 < s) break;
    if (e >= candidate) candidate = Math.ceil((e + 1) / size) * size;
  }
  if (candidate + size - 1 > poolEnd) throw new AddressPoolExhaustedError(`The address pool ${pool} has no free /${prefixLength} left: every block overlaps a range in use.`);
  return `${toIp(candidate)}/${prefixLength}`;
}

/** True when two IPv4 CIDR ranges share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [sa, ea] = cidrBounds(a);
  const [sb, eb] = cidrBounds(b);
  return sa <= eb && sb <= ea;
}

export function isCidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function cidrBounds(cidr: string): [number, number] {
  const [base = "", bitsText = "32"] = cidr.split("/");
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  const int = base.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const start = int - (int % size);
  return [start, start + size - 1];
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
