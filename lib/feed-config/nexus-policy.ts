/**
 * A feed's package policy as Nexus configuration, and how live configuration differs from it.
 * Pure: the workflows apply it (lib/workflows/sync-feed-policy) and check it (check-feed-drift).
 *
 * - One PyPI group repository per feed; its members are the feed's PyPI proxies in order.
 * - One routing rule per proxy that needs one: an upstream approved with an allow-list gets an
 *   ALLOW rule for exactly those names (minus the organisation's blocks); any other proxy gets a
 *   BLOCK rule for the organisation's blocks. Nexus gives a proxy one rule, so both are folded in.
 * Matchers are whole-path regexes (Nexus uses String.matches) in the common subset of Java and
 * JavaScript regex syntax, with PEP 503 normalisation spelled out (no inline flags).
 */

export interface PolicyProxy {
  name: string;
  format: "pypi" | "conda";
  remoteUrl: string;
  /** PEP 503-normalisable names; null = all packages. */
  allowList: string[] | null;
}

export interface PolicyRule {
  name: string;
  description: string;
  mode: "ALLOW" | "BLOCK";
  matchers: string[];
}

export interface DesiredFeedPolicy {
  groupName: string | null;
  /** The group's members, first answers first. */
  members: string[];
  proxies: PolicyProxy[];
  rules: PolicyRule[];
  /** The routing rule each proxy must carry (null = none). */
  proxyRules: Record<string, string | null>;
}

export interface LiveFeedConfig {
  proxies: { name: string; exists: boolean; online: boolean; routingRuleName: string | null }[];
  group: { exists: boolean; online: boolean; memberNames: string[] } | null;
  rules: PolicyRule[];
}

export function normalizePackageName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, "-");
}

/** A regex source matching `name` in any PEP 503-equivalent spelling (Tiny_Config, tiny.config, TINY-config). */
export function nameRegex(name: string): string {
  return normalizePackageName(name)
    .split("-")
    .map((part) => [...part].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c.replace(/[^a-z0-9]/g, "\\$&"))).join(""))
    .join("[-_.]+");
}

/** Project page, distribution files (PEP 658 metadata included) and conda packages of one name. */
export function packageMatchers(name: string): string[] {
  const n = nameRegex(name);
  return [`/simple/${n}/?`, `/packages/(?:.*/)?${n}-[0-9][^/]*`, `/(?:.*/)?${n}-[0-9][^/]*\\.(?:conda|tar\\.bz2)`];
}

/** What an ALLOW rule must still let through for clients to work: the index root and conda channel metadata. */
export const INDEX_METADATA_MATCHERS = ["/simple/?", "/(?:.*/)?(?:current_)?repodata\\.json(?:\\.bz2|\\.zst)?", "/(?:.*/)?channeldata\\.json"];

export function routingRuleName(proxyName: string): string {
  return `${proxyName.slice(0, 56)}-policy`;
}

export function desiredFeedPolicy(input: { groupName: string | null; proxies: PolicyProxy[]; blocks: string[] }): DesiredFeedPolicy {
  const blocks = [...new Set(input.blocks.map(normalizePackageName))].sort();
  const rules: PolicyRule[] = [];
  const proxyRules: Record<string, string | null> = {};
  for (const proxy of input.proxies) {
    const rule = ruleFor(proxy, blocks);
    proxyRules[proxy.name] = rule?.name ?? null;
    if (rule) rules.push(rule);
  }
  const members = input.groupName ? input.proxies.filter((p) => p.format === "pypi").map((p) => p.name) : [];
  return { groupName: members.length ? input.groupName : null, members, proxies: input.proxies, rules, proxyRules };
}

function ruleFor(proxy: PolicyProxy, blocks: string[]): PolicyRule | null {
  const name = routingRuleName(proxy.name);
  if (proxy.allowList) {
    const allowed = [...new Set(proxy.allowList.map(normalizePackageName))].filter((n) => n && !blocks.includes(n)).sort();
    return { name, description: `Feedgate: ${proxy.name} serves only ${allowed.join(", ") || "nothing"}`, mode: "ALLOW", matchers: [...INDEX_METADATA_MATCHERS, ...allowed.flatMap(packageMatchers)] };
  }
  if (!blocks.length) return null;
  return { name, description: `Feedgate: organisation block-list (${blocks.join(", ")})`, mode: "BLOCK", matchers: blocks.flatMap(packageMatchers) };
}

/** Every way the live configuration differs from the desired one, as sentences; empty = no drift. */
export function describeDrift(desired: DesiredFeedPolicy, live: LiveFeedConfig): string[] {
  const drift: string[] = [];
  for (const proxy of desired.proxies) {
    const seen = live.proxies.find((p) => p.name === proxy.name);
    if (!seen?.exists) {
      drift.push(`Proxy ${proxy.name} is missing on Nexus.`);
      continue;
    }
    if (!seen.online) drift.push(`Proxy ${proxy.name} is offline.`);
    const wanted = desired.proxyRules[proxy.name] ?? null;
    if ((seen.routingRuleName ?? null) !== wanted) drift.push(`Proxy ${proxy.name} has routing rule ${seen.routingRuleName ?? "none"}, not ${wanted ?? "none"}.`);
  }
  for (const rule of desired.rules) {
    const seen = live.rules.find((r) => r.name === rule.name);
    if (!seen) drift.push(`Routing rule ${rule.name} is missing on Nexus.`);
    else if (seen.mode !== rule.mode || seen.matchers.join("\n") !== rule.matchers.join("\n")) drift.push(`Routing rule ${rule.name} was changed on Nexus.`);
  }
  if (desired.groupName) {
    if (!live.group?.exists) drift.push(`Group ${desired.groupName} is missing on Nexus.`);
    else {
      if (!live.group.online) drift.push(`Group ${desired.groupName} is offline.`);
      if (live.group.memberNames.join(",") !== desired.members.join(",")) drift.push(`Group ${desired.groupName} has members ${live.group.memberNames.join(", ") || "none"}, not ${desired.members.join(", ")}.`);
    }
  }
  return drift;
}
