import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, startTestSandbox, type TestSandbox } from "../testing";
import { adoValidator, formatErrors } from "./spec-schemas";

describe("Azure DevOps Artifacts imitation", () => {
  let sandbox: TestSandbox;
  let auth: string;
  const call = (path: string, init: RequestInit & { auth?: string } = {}): Promise<Response> =>
    fetch(`${sandbox.endpoints.artifacts}${path}`, { ...init, headers: { authorization: init.auth ?? auth, "content-type": "application/json", "x-tfs-fedauthredirect": "Suppress", ...(init.headers as Record<string, string> | undefined) } });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    auth = basicAuth("any-user", readFileSync(sandbox.endpoints.artifactsPatFile, "utf8"));
  });
  afterAll(async () => sandbox?.stop());

  it("creates, gets, lists, patches and deletes feeds with upstream sources; duplicate names get 409", async () => {
    const body = { name: "ml-team-a", description: "Team A", hideDeletedPackageVersions: true, upstreamEnabled: true, upstreamSources: [{ name: "PyPI", protocol: "pypi", location: "https://pypi.org/", upstreamSourceType: "public" }] };
    const created = await call("/contoso/ml/_apis/packaging/feeds?api-version=7.1", { method: "POST", body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    const feed = (await created.json()) as { id: string; name: string; upstreamSources: { status: string }[]; project: { name: string } };
    const validateFeed = adoValidator("Feed");
    expect(validateFeed(feed), formatErrors(validateFeed)).toBe(true);
    expect(feed).toMatchObject({ name: "ml-team-a", project: { name: "ml" }, upstreamSources: [{ name: "PyPI", status: "ok" }] });

    const dup = await call("/contoso/ml/_apis/packaging/feeds?api-version=7.1", { method: "POST", body: JSON.stringify(body) });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ $id: "1", innerException: null, typeKey: "FeedNameAlreadyExistsException", typeName: expect.stringContaining("FeedNameAlreadyExistsException"), errorCode: 0, eventId: 3000 });
    // The same name in another scope (organization) is fine.
    expect((await call("/contoso/_apis/packaging/feeds?api-version=7.1", { method: "POST", body: JSON.stringify({ name: "ml-team-a" }) })).status).toBe(201);

    const byName = (await (await call("/contoso/ml/_apis/packaging/feeds/ml-team-a?api-version=7.1")).json()) as { id: string };
    expect(byName.id).toBe(feed.id);
    const list = (await (await call("/contoso/ml/_apis/packaging/feeds?api-version=7.1")).json()) as { count: number; value: unknown[] };
    expect(list.count).toBe(1);
    for (const f of list.value) expect(validateFeed(f), formatErrors(validateFeed)).toBe(true);

    const patched = await call(`/contoso/ml/_apis/packaging/feeds/${feed.id}?api-version=7.1`, { method: "PATCH", body: JSON.stringify({ description: "Team A feed", upstreamSources: [] }) });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ description: "Team A feed", upstreamSources: [] });

    expect((await call("/contoso/ml/_apis/packaging/feeds?api-version=7.1", { method: "POST", body: JSON.stringify({ name: "has space" }) })).status).toBe(400);
    expect((await call(`/contoso/ml/_apis/packaging/feeds/${feed.id}?api-version=7.1`, { method: "DELETE" })).status).toBe(204);
    const gone = await call(`/contoso/ml/_apis/packaging/feeds/${feed.id}?api-version=7.1`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ typeKey: "FeedIdNotFoundException" });
    expect((await call("/contoso/ml/_apis/packaging/feeds?api-version=7.1", { auth: basicAuth("x", "not-the-pat") })).status).toBe(401);
  });

  it("manages feed permissions and serves the pip index only to readers", async () => {
    const created = (await (await call("/contoso/ml/_apis/packaging/feeds?api-version=7.1", { method: "POST", body: JSON.stringify({ name: "ml-team-b", upstreamEnabled: true, upstreamSources: [{ name: "PyPI", protocol: "pypi", location: "https://pypi.org/", upstreamSourceType: "public" }] }) })).json()) as { id: string };
    const perms = (await (await call(`/contoso/ml/_apis/packaging/Feeds/${created.id}/permissions?api-version=7.1`)).json()) as { count: number; value: unknown[] };
    const validatePerm = adoValidator("FeedPermission");
    for (const p of perms.value) expect(validatePerm(p), formatErrors(validatePerm)).toBe(true);
    expect(perms.value).toEqual(expect.arrayContaining([expect.objectContaining({ role: "administrator" })]));

    const index = await call("/contoso/ml/_packaging/ml-team-b/pypi/simple/tinycore/");
    expect(index.status).toBe(200);
    expect(await index.text()).toMatch(/href="\.\.\/\.\.\/download\/tinycore\/1\.1\.0\/tinycore-1\.1\.0-py3-none-any\.whl#sha256=/);
    const wheel = await call("/contoso/ml/_packaging/ml-team-b/pypi/download/tinycore/1.1.0/tinycore-1.1.0-py3-none-any.whl");
    expect(wheel.status).toBe(200);
    expect((await call("/contoso/ml/_packaging/ml-team-b/pypi/simple/", { auth: "" })).status).toBe(401);

    // Remove every reader: the PAT's user gets 403 from the pip endpoint.
    const identities = perms.value.map((p) => (p as { identityDescriptor: { identityType: string; identifier: string } }).identityDescriptor);
    const patch = await call(`/contoso/ml/_apis/packaging/Feeds/${created.id}/permissions?api-version=7.1`, { method: "PATCH", body: JSON.stringify(identities.map((identityDescriptor) => ({ role: "none", identityDescriptor }))) });
    expect(patch.status).toBe(200);
    expect((await call("/contoso/ml/_packaging/ml-team-b/pypi/simple/tinycore/")).status).toBe(403);
  });

  it("requires a valid api-version on the REST API (query or Accept header), with Azure DevOps's errors; the pip index needs none", async () => {
    const feeds = "/contoso/ml/_apis/packaging/feeds";
    const refused = async (query: string, method = "GET", typeKey: string, message: RegExp) => {
      const res = await call(`${feeds}${query}`, method === "GET" ? {} : { method, body: JSON.stringify({ name: "never-created" }) });
      expect(res.status, `${method} ${query}`).toBe(400);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ $id: "1", innerException: null, typeKey, typeName: `Microsoft.VisualStudio.Services.WebApi.${typeKey}, Microsoft.VisualStudio.Services.WebApi`, errorCode: 0, eventId: 3000 });
      expect(body.message).toMatch(message);
    };
    await refused("", "GET", "VssVersionNotSpecifiedException", /^No api-version was supplied for the "GET" request\./);
    await refused("", "POST", "VssVersionNotSpecifiedException", /"POST" request/);
    await refused("?api-version=", "GET", "VssVersionNotSpecifiedException", /No api-version/);
    for (const bad of ["banana", "1999-01-01", "7", "7.1-beta"]) await refused(`?api-version=${bad}`, "GET", "VssInvalidApiVersionException", new RegExp(`'${bad}' is not a valid api-version`));
    await refused("?api-version=9.0", "GET", "VssVersionOutOfRangeException", /^The requested REST API version of 9\.0 is out of range for this server\. The latest REST API version this server supports is 7\.2\.$/);
    await refused("?api-version=7.2", "GET", "VssInvalidPreviewVersionException", /under preview/);
    expect((await call("/contoso/ml/_apis/packaging/feeds?api-version=never", { method: "POST", body: JSON.stringify({ name: "never-created" }) })).status).toBe(400);
    expect(((await (await call(`${feeds}?api-version=7.1`)).json()) as { value: { name: string }[] }).value.map((f) => f.name)).not.toContain("never-created");

    for (const ok of ["?api-version=7.1", "?api-version=7.1-preview.1", "?api-version=7.2-preview", "?api-version=6.0"]) expect((await call(`${feeds}${ok}`)).status, ok).toBe(200);
    expect((await call(feeds, { headers: { accept: "application/json;api-version=7.1" } })).status).toBe(200);
    expect((await call(feeds, { headers: { accept: "application/json; api-version=9.9" } })).status).toBe(400);
    // Credentials are checked first.
    expect((await call(feeds, { auth: basicAuth("x", "not-the-pat") })).status).toBe(401);
    expect((await call(`${feeds}?api-version=7.1`, { method: "POST", body: JSON.stringify({ name: "ml-team-c" }) })).status).toBe(201);
    expect((await call("/contoso/ml/_packaging/ml-team-c/pypi/simple/")).status).toBe(200);
  });
});
