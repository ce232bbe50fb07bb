import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, nexusProxyBody, startTestSandbox, type TestSandbox } from "../testing";

describe("Nexus group repositories and routing rules", () => {
  let sandbox: TestSandbox;
  let api: (p: string, init?: RequestInit) => Promise<Response>;
  const group = (memberNames: string[]) => ({ name: "team-group", online: true, storage: { blobStoreName: "default", strictContentTypeValidation: true }, group: { memberNames } });
  const content = (p: string) => fetch(`${sandbox.endpoints.nexus}/repository/team-group/${p}`, { headers: { authorization: basicAuth("admin", sandbox.nexusAdminPassword) }, redirect: "manual" });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    api = (p, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", basicAuth("admin", sandbox.nexusAdminPassword));
      if (init.body) headers.set("content-type", "application/json");
      return fetch(`${sandbox.endpoints.nexus}/service/rest${p}`, { ...init, headers });
    };
    for (const [name, url] of [["public", "https://pypi.org/"], ["internal", "https://pypi.internal.example/"]] as const) {
      expect((await api("/v1/repositories/pypi/proxy", { method: "POST", body: JSON.stringify(nexusProxyBody(name, url)) })).status).toBe(201);
    }
  });
  afterAll(async () => sandbox?.stop());

  it("asks members in order, skips an offline one, and follows a new order", async () => {
    expect((await api("/v1/repositories/pypi/group", { method: "POST", body: JSON.stringify(group(["public", "internal"])) })).status).toBe(201);
    const detail = (await (await api("/v1/repositories/pypi/group/team-group")).json()) as { type: string; group: { memberNames: string[] } };
    expect(detail).toMatchObject({ type: "group", group: { memberNames: ["public", "internal"] } });
    expect(await (await content("simple/tinyjson/")).text()).toContain("tinyjson-3.0.0");
    expect((await content("simple/tinysecret/")).status).toBe(200);

    const offline = { ...nexusProxyBody("public", "https://pypi.org/"), online: false };
    expect((await api("/v1/repositories/pypi/proxy/public", { method: "PUT", body: JSON.stringify(offline) })).status).toBe(204);
    expect(await (await content("simple/tinyjson/")).text()).toContain("tinyjson-3.1.0");
    expect((await content("simple/tinycore/")).status).toBe(404);
    expect((await api("/v1/repositories/pypi/proxy/public", { method: "PUT", body: JSON.stringify(nexusProxyBody("public", "https://pypi.org/")) })).status).toBe(204);

    expect((await api("/v1/repositories/pypi/group/team-group", { method: "PUT", body: JSON.stringify(group(["internal", "public"])) })).status).toBe(204);
    expect(await (await content("simple/tinyjson/")).text()).toContain("tinyjson-3.1.0");
    expect((await api("/v1/repositories/pypi/group", { method: "POST", body: JSON.stringify({ ...group(["nope"]), name: "other" }) })).status).toBe(400);
  });

  it("refuses what a routing rule refuses, with Nexus's status and message, and leaves it out of the index", async () => {
    const rule = { name: "public-block", description: "typosquats", mode: "BLOCK", matchers: ["/simple/[tT][iI][nN][yY][hH][tT][pP][pP]/?", "/packages/(?:.*/)?tinyhtpp-[0-9][^/]*"] };
    expect((await api("/v1/routing-rules", { method: "POST", body: JSON.stringify(rule) })).status).toBe(204);
    expect((await api("/v1/routing-rules", { method: "POST", body: JSON.stringify(rule) })).status).toBe(400);
    expect((await api("/v1/routing-rules", { method: "POST", body: JSON.stringify({ ...rule, name: "bad", matchers: ["("] }) })).status).toBe(400);
    const assign = { ...nexusProxyBody("public", "https://pypi.org/"), routingRule: "public-block" };
    expect((await api("/v1/repositories/pypi/proxy/public", { method: "PUT", body: JSON.stringify(assign) })).status).toBe(204);
    expect(((await (await api("/v1/repositories/pypi/proxy/public")).json()) as { routingRuleName: string }).routingRuleName).toBe("public-block");

    const direct = await fetch(`${sandbox.endpoints.nexus}/repository/public/simple/TinyHTPP/`, { headers: { authorization: basicAuth("admin", sandbox.nexusAdminPassword) } });
    expect(direct.status).toBe(403);
    expect(await direct.text()).toContain("Routing rules block the requested item from this repository");
    // Whole-path match: a longer name is not caught by the rule.
    expect((await fetch(`${sandbox.endpoints.nexus}/repository/public/simple/tinyhtpp2/`, { headers: { authorization: basicAuth("admin", sandbox.nexusAdminPassword) } })).status).toBe(404);
    // Through the group: no member serves it, one refused, so the refusal is what the client sees.
    expect((await content("simple/tinyhtpp/")).status).toBe(403);
    const root = await (await content("simple/")).text();
    expect(root).toContain("tinyhttp");
    expect(root).not.toContain("tinyhtpp");

    expect((await api("/v1/routing-rules/public-block", { method: "DELETE" })).status).toBe(400);
    expect((await api("/v1/repositories/public", { method: "DELETE" })).status).toBe(204);
    expect(((await (await api("/v1/repositories/pypi/group/team-group")).json()) as { group: { memberNames: string[] } }).group.memberNames).toEqual(["internal"]);
    expect((await api("/v1/routing-rules/public-block", { method: "DELETE" })).status).toBe(204);
    expect((await api("/v1/routing-rules/public-block")).status).toBe(404);
  });
});
