import { describe, expect, it } from "vitest";
import { isInAnyRange, normalizeIp, parseIp, parseIpRange, type IpRange } from "./ip-address";

const range = (text: string): IpRange => {
  const r = parseIpRange(text);
  if (!r) throw new Error(`bad range ${text}`);
  return r;
};
const matches = (address: string, ...ranges: string[]) => {
  const ip = parseIp(address);
  return ip !== null && isInAnyRange(ip, ranges.map(range));
};

describe("IP addresses", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    [" 203.0.113.9 ", "203.0.113.9"],
    ["::1", "::1"],
    ["::", "::"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0db8:0000:0001:0000:0000:0000:0000", "2001:db8:0:1::"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["[2001:db8::5]", "2001:db8::5"],
    ["fe80::1%eth0", "fe80::1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["::ffff:7f00:2", "127.0.0.2"],
    ["0:0:0:0:0:ffff:192.0.2.1", "192.0.2.1"],
    ["64:ff9b::192.0.2.1", "64:ff9b::c000:201"],
  ])("reads %s as %s", (text, canonical) => {
    expect(normalizeIp(text)).toBe(canonical);
  });

  it.each(["", "unknown", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-1", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "1.2.3.4::", ":1:2:3:4:5:6:7", "g::1", "1:2:3:4:5:6:7", "::ffff:1.2.3.256"])(
    "refuses %j",
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );

  it("matches IPv4 and IPv6 ranges, single addresses and IPv4-mapped forms", () => {
    expect(matches("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(matches("11.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(matches("192.168.1.130", "192.168.1.128/25")).toBe(true);
    expect(matches("192.168.1.127", "192.168.1.128/25")).toBe(false);
    expect(matches("127.0.0.1", "127.0.0.1")).toBe(true);
    expect(matches("127.0.0.2", "127.0.0.1")).toBe(false);
    expect(matches("::ffff:127.0.0.1", "127.0.0.1")).toBe(true);
    expect(matches("127.0.0.1", "::ffff:127.0.0.1")).toBe(true);
    expect(matches("10.9.9.9", "::ffff:10.0.0.0/104")).toBe(true);
    expect(matches("fd12:3456::1", "fd00::/8")).toBe(true);
    expect(matches("fe80::1", "fd00::/8")).toBe(false);
    expect(matches("2001:db8::1", "2001:db8::1")).toBe(true);
    expect(matches("2001:db8::2", "2001:db8::1")).toBe(false);
    // Families never cross, except through the IPv4-mapped form.
    expect(matches("::1", "0.0.0.0/0")).toBe(false);
    expect(matches("1.2.3.4", "::/0")).toBe(false);
    expect(matches("1.2.3.4", "0.0.0.0/0")).toBe(true);
  });

  it.each(["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/-1", "10.0.0.0/0x8", "proxy", "10.0.0.256/8"])("refuses the range %j", (text) => {
    expect(parseIpRange(text)).toBeNull();
  });
});
