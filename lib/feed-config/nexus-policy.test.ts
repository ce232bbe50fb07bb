import { describe, expect, it } from "vitest";
import { describeDrift, desiredFeedPolicy, nameRegex, packageMatchers } from "./nexus-policy";

/** Nexus matches a routing rule's regex against the whole path (Java's String.matches). */
const matches = (matchers: string[], path: string) => matchers.some((m) => new RegExp(`^(?:${m})$`).test(path));

describe("routing-rule matchers", () => {
  it("match every PEP 503 spelling of a name, and nothing longer or shorter", () => {
    const m = packageMatchers("Tiny_Config");
    for (const p of ["/simple/tiny-config/", "/simple/Tiny_Config/", "/simple/tiny.config", "/simple/TINY--config/"]) expect(matches(m, p), p).toBe(true);
    expect(matches(m, "/packages/tiny_config/2.1.0/tiny_config-2.1.0-py3-none-any.whl")).toBe(true);
    expect(matches(m, "/packages/tiny_config/2.1.0/tiny_config-2.1.0-py3-none-any.whl.metadata")).toBe(true);
    expect(matches(m, "/packages/Tiny_Config-2.1.0.tar.gz")).toBe(true);
    expect(matches(m, "/conda-forge/noarch/tiny-config-2.1.0-pyhd8ed1ab_0.conda")).toBe(true);
    for (const p of ["/simple/tiny-configs/", "/simple/tiny/", "/simple/xtiny-config/", "/packages/tiny/1.0/tiny-config-2.1.0.tar.gz".replace("tiny-config", "tinyconfig")]) expect(matches(m, p), p).toBe(false);
    // A name that prefixes another does not let the longer one through.
    expect(matches(packageMatchers("tiny"), "/packages/x/tiny-config-2.1.0.tar.gz")).toBe(false);
    expect(nameRegex("a.b")).toBe("[aA][-_.]+[bB]");
  });

  it("fold the organisation's blocks into an allow-list, and block-list the proxies without one", () => {
    const policy = desiredFeedPolicy({
      groupName: "vision-pypi-group",
      proxies: [
        { name: "vision-pypi-org-pypi", format: "pypi", remoteUrl: "https://pypi.org/", allowList: ["tinycore", "TinyHtpp"] },
        { name: "vision-internal-pypi", format: "pypi", remoteUrl: "https://pypi.internal.example/", allowList: null },
        { name: "vision-conda-forge-conda", format: "conda", remoteUrl: "https://conda.anaconda.org/conda-forge/", allowList: null },
      ],
      blocks: ["tinyhtpp"],
    });
    expect(policy.members).toEqual(["vision-pypi-org-pypi", "vision-internal-pypi"]);
    const [allow, block] = policy.rules;
    expect(allow?.mode).toBe("ALLOW");
    expect(matches(allow?.matchers ?? [], "/simple/tinycore/")).toBe(true);
    expect(matches(allow?.matchers ?? [], "/simple/tinyhtpp/")).toBe(false);
    expect(matches(allow?.matchers ?? [], "/simple/")).toBe(true);
    expect(block?.mode).toBe("BLOCK");
    expect(matches(block?.matchers ?? [], "/simple/TinyHtpp/")).toBe(true);
    expect(policy.proxyRules).toEqual({ "vision-pypi-org-pypi": "vision-pypi-org-pypi-policy", "vision-internal-pypi": "vision-internal-pypi-policy", "vision-conda-forge-conda": "vision-conda-forge-conda-policy" });

    expect(
      describeDrift(policy, {
        proxies: [
          { name: "vision-pypi-org-pypi", exists: false, online: false, routingRuleName: null },
          { name: "vision-internal-pypi", exists: true, online: false, routingRuleName: "vision-internal-pypi-policy" },
          { name: "vision-conda-forge-conda", exists: true, online: true, routingRuleName: null },
        ],
        group: { exists: true, online: true, memberNames: ["vision-internal-pypi"] },
        rules: policy.rules.slice(1),
      }),
    ).toEqual([
      "Proxy vision-pypi-org-pypi is missing on Nexus.",
      "Proxy vision-internal-pypi is offline.",
      "Proxy vision-conda-forge-conda has routing rule none, not vision-conda-forge-conda-policy.",
      "Routing rule vision-pypi-org-pypi-policy is missing on Nexus.",
      "Group vision-pypi-group has members vision-internal-pypi, not vision-pypi-org-pypi, vision-internal-pypi.",
    ]);
  });
});
