import { describe, expect, it } from "vitest";
import { checkUpstreamReachability, isPublicAddress } from "./check-upstream-reachability";

describe("upstream reachability check", () => {
  it("refuses what the upstream allow-list refuses, without connecting", async () => {
    for (const url of ["file:///etc/passwd", "http://169.254.169.254/", "https://169.254.169.254/latest/", "https://localhost/simple/", "https://[::1]/"]) {
      expect((await checkUpstreamReachability(url)).state).toBe("refused");
    }
  });

  it("treats private, loopback, link-local, CGNAT and mapped addresses as non-public", () => {
    for (const ip of ["10.1.2.3", "127.0.0.1", "169.254.169.254", "172.20.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"]) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ["151.101.0.223", "8.8.8.8", "2a04:4e42::223"]) expect(isPublicAddress(ip), ip).toBe(true);
  });

  it("says 'did not answer' for a host that does not resolve, within the deadline", async () => {
    const started = Date.now();
    const r = await checkUpstreamReachability("https://feedgate-test.invalid/simple/", { timeoutMs: 2000 });
    expect(r.state).toBe("no-answer");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
