import type { Router, SandboxRequest, SandboxResponse } from "../core/http";
import { isRecord, parseJsonBody } from "../core/http";
import { simpleIndexRoot } from "../packages/pypi-index";
import type { PypiProject, Upstream } from "../packages/upstream";
import { nexusErrorPage, nexusMessage, validationErrors, type NexusRepository, type NexusRoutingRule, type NexusState } from "./nexus-wire";

/**
 * Nexus group repositories (PyPI) and routing rules, as Nexus 3 has them:
 * - `POST|GET|PUT /v1/repositories/pypi/group[/{name}]` with `group.memberNames` (order matters);
 *   a group asks its members in order and the first that answers successfully wins; an offline
 *   or missing member is skipped. The root index `/simple/` lists every member's visible projects.
 * - `/v1/routing-rules[/{name}]` (`{name, description, mode: ALLOW|BLOCK, matchers: [regex]}`):
 *   POST 204, GET 200, PUT 204, DELETE 204 (400 while a repository still uses the rule).
 *   A matcher must match the whole request path below the repository (`/simple/x/`), as Java's
 *   `String.matches` does. BLOCK refuses a path any matcher matches; ALLOW refuses every other.
 *   A refused request gets 403 with Nexus's message as reason phrase and error page, and the project index leaves the project out.
 * When no member of a group answers and one refused by routing rule, the group passes the
 * refusal on (so a client learns why) rather than a bare 404.
 */
export type { NexusRoutingRule } from "./nexus-wire";

export const ROUTING_RULE_BLOCKED = "Routing rules block the requested item from this repository";

const NAME_PATTERN = /^[a-zA-Z0-9-][a-zA-Z0-9_.-]*$/;
const refusals = new WeakSet<SandboxResponse>();

type Admin = (req: SandboxRequest, fn: () => SandboxResponse) => SandboxResponse;

/** The 403 a routing rule answers with, or undefined when the repository's rule lets `rest` through. */
export function routingRefusal(state: NexusState, repo: NexusRepository, rest: string): SandboxResponse | undefined {
  const rule = repo.routingRuleName ? state.routingRules.get(repo.routingRuleName) : undefined;
  if (!rule) return undefined;
  const path = `/${rest.replace(/^\/+/, "")}`;
  const matched = rule.matchers.some((m) => fullMatch(m, path));
  if (rule.mode === "BLOCK" ? !matched : matched) return undefined;
  // RoutingRuleHandler: HttpResponses.forbidden(PATH_IS_BLOCKED); Jetty sends the message as the reason
  // phrase ("403 Routing rules block …"), which pip prints ("403 Client Error: Routing rules block … for url").
  const response = nexusErrorPage(403, ROUTING_RULE_BLOCKED);
  refusals.add(response);
  return response;
}

export function serveGroup(
  state: NexusState,
  upstream: Upstream,
  group: NexusRepository,
  req: SandboxRequest,
  rest: string,
  depth: number,
  deps: { serveContent: (state: NexusState, upstream: Upstream, repo: NexusRepository, req: SandboxRequest, rest: string, depth: number) => SandboxResponse; notFound: () => SandboxResponse },
): SandboxResponse {
  const members = depth > 4 ? [] : (group.group?.memberNames ?? []).map((n) => state.repositories.get(n)).filter((m): m is NexusRepository => Boolean(m?.online));
  const parts = rest.split("/").filter(Boolean);
  if (group.format === "pypi" && parts.length === 1 && parts[0] === "simple") return mergedRoot(state, upstream, members, req);
  let refused: SandboxResponse | undefined;
  for (const member of members) {
    const res = deps.serveContent(state, upstream, member, req, rest, depth + 1);
    if ((res.status >= 200 && res.status < 300) || res.status === 301) return res;
    if (refusals.has(res)) refused ??= res;
  }
  return refused ?? deps.notFound();
}

/** The group's `/simple/`: each member's projects that its routing rule lets through, first member first. */
function mergedRoot(state: NexusState, upstream: Upstream, members: NexusRepository[], req: SandboxRequest): SandboxResponse {
  const pypi = new Map<string, PypiProject>();
  for (const member of members) {
    if (member.type !== "proxy" || member.format !== "pypi") continue;
    const host = safeHost(member.proxy.remoteUrl);
    const index = host === "pypi.internal.example" ? upstream.internal : ["pypi.org", "pypi.python.org", "files.pythonhosted.org"].includes(host) ? upstream : undefined;
    for (const [name, project] of index?.pypi ?? []) {
      if (!pypi.has(name) && !routingRefusal(state, member, `simple/${name}/`)) pypi.set(name, project);
    }
  }
  return simpleIndexRoot(req, { upstream: { ...upstream, pypi }, visible: () => true, fileHref: () => "" });
}

export function createGroupRoutes(router: Router, R: string, ctx: { state: NexusState; withAdmin: Admin; detail: (repo: NexusRepository, baseUrl: string) => Record<string, unknown> }): void {
  const { state, withAdmin } = ctx;
  router.add("POST", `${R}/v1/repositories/pypi/group`, (req) =>
    withAdmin(req, () => {
      const parsed = validateGroupBody(state, req);
      if ("error" in parsed) return parsed.error;
      if ([...state.repositories.keys()].some((k) => k.toLowerCase() === parsed.repo.name.toLowerCase())) {
        return nexusMessage(400, `Failed to create repository: Duplicate key: repository name ${parsed.repo.name} already exists`);
      }
      state.repositories.set(parsed.repo.name, parsed.repo);
      return { status: 201 };
    }),
  );
  router.add("GET", `${R}/v1/repositories/pypi/group/{name}`, (req) =>
    withAdmin(req, () => {
      const repo = state.repositories.get(req.params.name ?? "");
      if (!repo || repo.type !== "group" || repo.format !== "pypi") return nexusMessage(404, "Repository not found");
      return { status: 200, json: ctx.detail(repo, req.baseUrl) };
    }),
  );
  router.add("PUT", `${R}/v1/repositories/pypi/group/{name}`, (req) =>
    withAdmin(req, () => {
      const existing = state.repositories.get(req.params.name ?? "");
      if (!existing || existing.type !== "group" || existing.format !== "pypi") return nexusMessage(404, "Repository not found");
      const parsed = validateGroupBody(state, req);
      if ("error" in parsed) return parsed.error;
      if (parsed.repo.name !== existing.name) return nexusMessage(400, "Renaming a repository is not supported");
      state.repositories.set(existing.name, parsed.repo);
      return { status: 204 };
    }),
  );
}

export function createRoutingRuleRoutes(router: Router, R: string, ctx: { state: NexusState; withAdmin: Admin }): void {
  const { state, withAdmin } = ctx;
  const notFound = (name: string) => nexusMessage(404, `Did not find a routing rule with the name '${name}'`);
  router.add("GET", `${R}/v1/routing-rules`, (req) => withAdmin(req, () => ({ status: 200, json: [...state.routingRules.values()].map((r) => ({ ...r, matchers: [...r.matchers] })) })));
  router.add("POST", `${R}/v1/routing-rules`, (req) =>
    withAdmin(req, () => {
      const parsed = validateRuleBody(req);
      if ("error" in parsed) return parsed.error;
      if (state.routingRules.has(parsed.rule.name)) return validationErrors([["name", "A rule with the same name already exists. Name must be unique."]]);
      state.routingRules.set(parsed.rule.name, parsed.rule);
      return { status: 204 };
    }),
  );
  router.add("GET", `${R}/v1/routing-rules/{name}`, (req) =>
    withAdmin(req, () => {
      const rule = state.routingRules.get(req.params.name ?? "");
      return rule ? { status: 200, json: { ...rule, matchers: [...rule.matchers] } } : notFound(req.params.name ?? "");
    }),
  );
  router.add("PUT", `${R}/v1/routing-rules/{name}`, (req) =>
    withAdmin(req, () => {
      const name = req.params.name ?? "";
      if (!state.routingRules.has(name)) return notFound(name);
      const parsed = validateRuleBody(req);
      if ("error" in parsed) return parsed.error;
      if (parsed.rule.name !== name) {
        if (state.routingRules.has(parsed.rule.name)) return validationErrors([["name", "A rule with the same name already exists. Name must be unique."]]);
        state.routingRules.delete(name);
        for (const repo of state.repositories.values()) if (repo.routingRuleName === name) repo.routingRuleName = parsed.rule.name;
      }
      state.routingRules.set(parsed.rule.name, parsed.rule);
      return { status: 204 };
    }),
  );
  router.add("DELETE", `${R}/v1/routing-rules/{name}`, (req) =>
    withAdmin(req, () => {
      const name = req.params.name ?? "";
      if (!state.routingRules.has(name)) return notFound(name);
      const users = [...state.repositories.values()].filter((r) => r.routingRuleName === name).length;
      if (users) return nexusMessage(400, `Routing rule is still in use by ${users} repositor${users === 1 ? "y" : "ies"}.`);
      state.routingRules.delete(name);
      return { status: 204 };
    }),
  );
}

function validateRuleBody(req: SandboxRequest): { rule: NexusRoutingRule } | { error: SandboxResponse } {
  const body = parseJsonBody(req);
  if (!body.ok) return { error: nexusMessage(400, `Unable to process input: ${body.error}`) };
  const v = isRecord(body.value) ? body.value : {};
  const errors: [string, string][] = [];
  if (typeof v.name !== "string" || !v.name) errors.push(["name", "must not be empty"]);
  else if (!NAME_PATTERN.test(v.name)) errors.push(["name", "Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not start with underscore or dot."]);
  if (v.mode !== "ALLOW" && v.mode !== "BLOCK") errors.push(["mode", "must be ALLOW or BLOCK"]);
  const matchers = Array.isArray(v.matchers) ? v.matchers : [];
  if (!matchers.length || matchers.some((m) => typeof m !== "string" || !m)) errors.push(["matchers", "At least one rule needs to be specified"]);
  for (const [i, m] of matchers.entries()) if (typeof m === "string" && m && !compiles(m)) errors.push([`matchers[${i}]`, `Invalid regular expression: ${m}`]);
  if (errors.length) return { error: validationErrors(errors) };
  return { rule: { name: String(v.name), description: typeof v.description === "string" ? v.description : "", mode: v.mode as "ALLOW" | "BLOCK", matchers: matchers.map(String) } };
}

function validateGroupBody(state: NexusState, req: SandboxRequest): { repo: NexusRepository } | { error: SandboxResponse } {
  const body = parseJsonBody(req);
  if (!body.ok) return { error: nexusMessage(400, `Unable to process input: ${body.error}`) };
  const v = isRecord(body.value) ? body.value : {};
  const errors: [string, string][] = [];
  if (typeof v.name !== "string" || !v.name) errors.push(["name", "must not be empty"]);
  else if (!NAME_PATTERN.test(v.name)) errors.push(["name", "Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not start with underscore or dot."]);
  if (typeof v.online !== "boolean") errors.push(["online", "must not be null"]);
  const storage = isRecord(v.storage) ? v.storage : undefined;
  if (!storage || typeof storage.blobStoreName !== "string" || !storage.blobStoreName) errors.push(["storage.blobStoreName", "must not be empty"]);
  const group = isRecord(v.group) ? v.group : undefined;
  const memberNames = group && Array.isArray(group.memberNames) ? group.memberNames.map(String) : [];
  if (!memberNames.length) errors.push(["group.memberNames", "size must be between 1 and 2147483647"]);
  if (errors.length) return { error: validationErrors(errors) };
  for (const m of memberNames) {
    const member = state.repositories.get(m);
    if (!member) return { error: nexusMessage(400, `Repository ${m} does not exist`) };
    if (member.format !== "pypi") return { error: nexusMessage(400, `Repository ${m} is not of format pypi`) };
    if (m === v.name) return { error: nexusMessage(400, "A group repository cannot include itself") };
  }
  return {
    repo: {
      name: String(v.name),
      format: "pypi",
      type: "group",
      group: { memberNames },
      online: Boolean(v.online),
      storage: { blobStoreName: String(storage?.blobStoreName), strictContentTypeValidation: storage?.strictContentTypeValidation !== false },
      proxy: { remoteUrl: "", contentMaxAge: 0, metadataMaxAge: 0 },
      negativeCache: { enabled: false, timeToLive: 0 },
      httpClient: { blocked: false, autoBlock: false },
      routingRuleName: null,
      cleanup: null,
      replication: null,
    },
  };
}

function fullMatch(source: string, path: string): boolean {
  try {
    return new RegExp(`^(?:${source})$`).test(path);
  } catch {
    return false;
  }
}

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
}

