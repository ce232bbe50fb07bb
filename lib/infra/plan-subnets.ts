/**
 * Carves the quickstart's subnets out of a requested address space: training and scoring
 * take the first two /24s, Bastion a /27 at the top of the space.
 */
export function planSubnets(addressSpace: string) {
  const [base = "", bitsText = "16"] = addressSpace.split("/");
  const bits = Number(bitsText);
  if (bits > 23) throw new Error(`${addressSpace} is too small: it needs room for two /24 subnets`);
  const start = toInt(base) & mask(bits);
  const size = 2 ** (32 - bits);
  return {
    vnetAddressPrefix: `${toIp(start)}/${bits}`,
    trainingSubnetPrefix: `${toIp(start)}/24`,
    scoringSubnetPrefix: `${toIp(start + 256)}/24`,
    azureBastionSubnetPrefix: `${toIp(start + size - 32)}/27`,
  };
}

/** True when two CIDR ranges share any address. */
export function rangesOverlap(a: string, b: string): boolean {
  const [sa, ea] = bounds(a);
  const [sb, eb] = bounds(b);
  return sa <= eb && sb <= ea;
}

function bounds(cidr: string): [number, number] {
  const [base = "", bitsText = "32"] = cidr.split("/");
  const bits = Number(bitsText);
  const start = (toInt(base) & mask(bits)) >>> 0;
  return [start, start + 2 ** (32 - bits) - 1];
}

function mask(bits: number) {
  return bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
}

function toInt(ip: string) {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0) >>> 0;
}

function toIp(n: number) {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}
