import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, listRecordedRequests, nexusProxyBody, startTestSandbox, type TestSandbox } from "../testing";
import { formatErrors, nexusValidator } from "./spec-schemas";

const run = promisify(execFile);

describe("Nexus 3 imitation", () => {
  let sandbox: TestSandbox;
  let admin: string;
  let api: (p: string, init?: RequestInit & { auth?: string | null }) => Promise<Response>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const password = readFileSync(sandbox.endpoints.nexusAdminPasswordFile, "utf8");
    expect(password).toBe(sandbox.nexusAdminPassword);
    admin = basicAuth("admin", password);
    api = (p, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.auth !== null) headers.set("authorization", init.auth ?? admin);
      if (init.body) headers.set("content-type", "application/json");
      return fetch(`${sandbox.endpoints.nexus}${p}`, { ...init, headers });
    };
    const created = await api("/service/rest/v1/repositories/pypi/proxy", { method: "POST", body: JSON.stringify(nexusProxyBody("pypi-proxy", "https://pypi.org/")) });
    expect(created.status).toBe(201);
  });
  afterAll(async () => sandbox?.stop());

  it("answers status endpoints without credentials and the REST API only with them", async () => {
    expect((await api("/service/rest/v1/status", { auth: null })).status).toBe(200);
    expect((await api("/service/rest/v1/status/writable", { auth: null })).status).toBe(200);
    const denied = await api("/service/rest/v1/repositorySettings", { auth: null });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toMatch(/BASIC realm="Sonatype Nexus Repository Manager"/);
    expect((await api("/service/rest/v1/repositories", { auth: basicAuth("admin", "wrong") })).status).toBe(401);
  });

  it("creates, reads, updates, lists and deletes pypi and conda proxies with documented bodies and errors", async () => {
    const get = await api("/service/rest/v1/repositories/pypi/proxy/pypi-proxy");
    const body: unknown = await get.json();
    const validate = nexusValidator("PyPiProxyApiRepository");
    expect(validate(body), formatErrors(validate)).toBe(true);
    expect(body).toMatchObject({ name: "pypi-proxy", format: "pypi", type: "proxy", url: `${sandbox.endpoints.nexus}/repository/pypi-proxy`, proxy: { remoteUrl: "https://pypi.org/" } });

    const conda = await api("/service/rest/v1/repositories/conda/proxy", { method: "POST", body: JSON.stringify(nexusProxyBody("conda-proxy", "https://repo.anaconda.com/pkgs/", "conda")) });
    expect(conda.status).toBe(201);
    const condaGet: unknown = await (await api("/service/rest/v1/repositories/conda/proxy/conda-proxy")).json();
    const validateAbstract = nexusValidator("AbstractApiRepository");
    expect(validateAbstract(condaGet), formatErrors(validateAbstract)).toBe(true);

    const list = (await (await api("/service/rest/v1/repositories")).json()) as unknown[];
    const validateXo = nexusValidator("RepositoryXO");
    for (const item of list) expect(validateXo(item), formatErrors(validateXo)).toBe(true);
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ name: "conda-proxy", format: "conda", type: "proxy", attributes: { proxy: { remoteUrl: "https://repo.anaconda.com/pkgs/" } } })]));

    // Bean validation → 400 with an array of {id, message}
    const invalid = await api("/service/rest/v1/repositories/pypi/proxy", { method: "POST", body: JSON.stringify({ ...nexusProxyBody("_bad", "https://pypi.org/"), online: undefined }) });
    expect(invalid.status).toBe(400);
    const errors = (await invalid.json()) as { id: string; message: string }[];
    expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/Only letters, digits/), "must not be null"]));
    // Duplicate → 400 {"id":"*","message":"\"...\""}
    const dup = await api("/service/rest/v1/repositories/pypi/proxy", { method: "POST", body: JSON.stringify(nexusProxyBody("pypi-proxy", "https://pypi.org/")) });
    expect(dup.status).toBe(400);
    expect(await dup.json()).toMatchObject({ id: "*", message: expect.stringMatching(/^".*already exists.*"$/) });
    // Update: 204; rename: 400; unknown: 404
    const update = await api("/service/rest/v1/repositories/pypi/proxy/pypi-proxy", { method: "PUT", body: JSON.stringify({ ...nexusProxyBody("pypi-proxy", "https://pypi.org/"), online: true, negativeCache: { enabled: false, timeToLive: 60 } }) });
    expect(update.status).toBe(204);
    const rename = await api("/service/rest/v1/repositories/pypi/proxy/pypi-proxy", { method: "PUT", body: JSON.stringify(nexusProxyBody("other", "https://pypi.org/")) });
    expect(rename.status).toBe(400);
    expect(await rename.json()).toEqual({ id: "*", message: '"Renaming a repository is not supported"' });
    const missing = await api("/service/rest/v1/repositories/pypi/proxy/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ id: "*", message: '"Repository not found"' });

    expect((await api("/service/rest/v1/repositories/conda-proxy", { method: "DELETE" })).status).toBe(204);
    expect((await api("/service/rest/v1/repositories/conda-proxy", { method: "DELETE" })).status).toBe(404);
  });

  it("answers unknown REST paths and methods, and failed content requests, with Nexus's shapes (not ARM's)", async () => {
    // REST (RESTEasy via Siesta): a bare status, no body, an X-Siesta-FaultId header.
    for (const [p, method, status] of [["/service/rest/v1/no-such-thing", "GET", 404], ["/service/rest/v1/status", "DELETE", 405]] as const) {
      const res = await api(p, { method });
      expect(res.status).toBe(status);
      expect(res.headers.get("x-siesta-faultid")).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("content-type")).toBeNull();
      expect(await res.text()).toBe("");
    }
    // Everything else: Nexus's HTML error page; a status message is also the reason phrase.
    const missing = await api("/repository/no-such-repo/simple/");
    expect([missing.status, missing.statusText]).toEqual([404, "Repository not found"]);
    expect(missing.headers.get("content-type")).toBe("text/html");
    const page = await missing.text();
    expect(page).toContain("<title>404 - Sonatype Nexus Repository</title>");
    expect(page).toMatch(/Error 404.*Not Found.*Repository not found/s);
    expect(page).not.toContain('"error"');
    const elsewhere = await api("/no/such/page", { auth: null });
    expect([elsewhere.status, elsewhere.statusText]).toEqual([404, "Not Found"]);
    expect(await elsewhere.text()).toContain("<title>404 - Sonatype Nexus Repository</title>");
    // A proxy routes only GET and HEAD; anything else falls to its default handler, 404.
    const put = await api("/repository/pypi-proxy/simple/", { method: "PUT", body: "x" });
    expect(put.status).toBe(404);
    expect(await put.text()).toContain("Error 404");
    const unknownFile = await api("/repository/pypi-proxy/packages/tinycore/9.9.9/tinycore-9.9.9.tar.gz");
    expect(unknownFile.status).toBe(404);
    expect(await unknownFile.text()).toContain("Sonatype Nexus Repository");

    await api("/service/rest/v1/repositories/pypi/proxy", { method: "POST", body: JSON.stringify({ ...nexusProxyBody("pypi-offline", "https://pypi.org/"), online: false }) });
    const offline = await api("/repository/pypi-offline/simple/");
    expect([offline.status, offline.statusText]).toEqual([503, "Repository offline"]);
    expect(await offline.text()).toMatch(/Error 503.*Repository offline/s);
    expect((await api("/service/rest/v1/repositories/pypi-offline", { method: "DELETE" })).status).toBe(204);
  });

  it("serves a PEP 503 simple index, PEP 691 JSON on request, and 401 without credentials", async () => {
    const root = await api("/repository/pypi-proxy/simple/");
    expect(root.status).toBe(200);
    const html = await root.text();
    expect(html).toContain('<a href="tinyhttp/">tinyhttp</a>');
    expect(html).toContain('<a href="tiny-config/">Tiny_Config</a>');
    const project = await (await api("/repository/pypi-proxy/simple/tinyhttp/")).text();
    expect(project).toMatch(/href="\.\.\/\.\.\/packages\/tinyhttp\/0\.9\.0\/tinyhttp-0\.9\.0-py3-none-any\.whl#sha256=[0-9a-f]{64}"/);
    const json = await api("/repository/pypi-proxy/simple/tinyhttp/", { headers: { accept: "application/vnd.pypi.simple.v1+json" } });
    expect(json.headers.get("content-type")).toBe("application/vnd.pypi.simple.v1+json");
    expect(await json.json()).toMatchObject({ meta: { "api-version": "1.0" }, name: "tinyhttp", files: expect.arrayContaining([expect.objectContaining({ filename: "tinyhttp-0.9.0.tar.gz" })]) });
    expect((await api("/repository/pypi-proxy/simple/", { auth: null })).status).toBe(401);
    expect((await api("/repository/pypi-proxy/simple/doesnotexist/")).status).toBe(404);
  });

  it("applies anonymous access and per-user privileges to repository content", async () => {
    const user = { userId: "reader", firstName: "R", lastName: "Eader", emailAddress: "r@example.org", password: "reader-pw", status: "active", roles: ["nx-repository-view-pypi-pypi-proxy-read"] };
    const other = { ...user, userId: "stranger", password: "stranger-pw", roles: ["nx-repository-view-pypi-unrelated-read"] };
    for (const u of [user, other]) expect((await api("/service/rest/v1/security/users", { method: "POST", body: JSON.stringify(u) })).status).toBe(200);
    expect((await api("/repository/pypi-proxy/simple/tinycore/", { auth: basicAuth("reader", "reader-pw") })).status).toBe(200);
    expect((await api("/repository/pypi-proxy/simple/tinycore/", { auth: basicAuth("stranger", "stranger-pw") })).status).toBe(403);
    expect((await api("/service/rest/v1/repositories/pypi/proxy/pypi-proxy", { auth: basicAuth("reader", "reader-pw") })).status).toBe(403);

    const enable = await api("/service/rest/v1/security/anonymous", { method: "PUT", body: JSON.stringify({ enabled: true, userId: "anonymous", realmName: "NexusAuthorizingRealm" }) });
    const validate = nexusValidator("AnonymousAccessSettingsXO");
    expect(validate(await enable.json()), formatErrors(validate)).toBe(true);
    expect((await api("/repository/pypi-proxy/simple/tinycore/", { auth: null })).status).toBe(200);
    await api("/service/rest/v1/security/anonymous", { method: "PUT", body: JSON.stringify({ enabled: false }) });
    expect((await api("/repository/pypi-proxy/simple/tinycore/", { auth: null })).status).toBe(401);
  });

  it("answers 502 for a proxy whose remote is unknown", async () => {
    await api("/service/rest/v1/repositories/pypi/proxy", { method: "POST", body: JSON.stringify(nexusProxyBody("pypi-elsewhere", "https://pypi.example.invalid/")) });
    const res = await api("/repository/pypi-elsewhere/simple/tinycore/");
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/Bad Gateway.*could not be reached/s);
  });

  it("serves conda channels that follow the repodata format, with downloadable .conda packages", async () => {
    await api("/service/rest/v1/repositories/conda/proxy", { method: "POST", body: JSON.stringify(nexusProxyBody("conda-forge", "https://conda.anaconda.org/conda-forge/", "conda")) });
    const channel = `/repository/conda-forge`;
    const channeldata = (await (await api(`${channel}/channeldata.json`)).json()) as { channeldata_version: number; packages: Record<string, { version: string; subdirs: string[] }> };
    expect(channeldata.channeldata_version).toBe(1);
    expect(channeldata.packages.tinyml?.subdirs).toEqual(["noarch"]);
    const repodata = parseRepodata(await (await api(`${channel}/noarch/repodata.json`)).json());
    expect(repodata.subdir).toBe("noarch");
    const tinyml = repodata.records.find((r) => r.name === "tinyml");
    expect(tinyml?.depends).toEqual(expect.arrayContaining(["python >=3.8", "tinymath >=0.7", "tinydata >=1.0", "tinylog"]));
    // every dependency resolves within the channel: python from linux-64 (a stand-in), the rest from noarch
    const linux = parseRepodata(await (await api(`${channel}/linux-64/repodata.json`)).json());
    expect(linux.records.map((r) => `${r.name}-${r.version}`)).toEqual(["python-3.11.0"]);
    const solvable = [...repodata.records, ...linux.records];
    for (const rec of repodata.records) for (const dep of rec.depends) expect(solvable.some((r) => r.name === dep.split(" ")[0])).toBe(true);
    const pkg = await api(`${channel}/noarch/${tinyml?.fn}`);
    const bytes = Buffer.from(await pkg.arrayBuffer());
    expect(bytes.length).toBe(tinyml?.size);
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(tinyml?.sha256);
    expect(bytes.subarray(0, 4).toString("hex")).toBe("504b0304"); // .conda = zip

    // defaults-style remote: the channel lives under /main
    await api("/service/rest/v1/repositories/conda/proxy", { method: "POST", body: JSON.stringify(nexusProxyBody("conda-defaults", "https://repo.anaconda.com/pkgs/", "conda")) });
    expect((await api("/repository/conda-defaults/main/noarch/repodata.json")).status).toBe(200);
    expect((await api("/repository/conda-defaults/noarch/repodata.json")).status).toBe(404);
  });

  it("lets real pip install a package and its dependencies through the PyPI proxy, and fails with 401 on wrong credentials", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "feedgate-pip-"));
    try {
      await run("python3", ["-m", "venv", path.join(dir, "venv")], { timeout: 60_000 });
      const pip = path.join(dir, "venv", "bin", "pip");
      const index = (user: string, password: string): string => {
        const url = new URL(`${sandbox.endpoints.nexus}/repository/pypi-proxy/simple/`);
        url.username = user;
        url.password = password;
        return url.toString();
      };
      const pipConf = (indexUrl: string): string => {
        const file = path.join(dir, `pip-${Date.now()}.conf`);
        // The file is loaded last, so it also blanks any machine-wide extra indexes / find-links.
        writeFileSync(file, `[global]\nindex-url = ${indexUrl}\nextra-index-url =\nfind-links =\ncert = ${sandbox.endpoints.caCertFile}\nno-cache-dir = true\ndisable-pip-version-check = true\ntimeout = 30\n`);
        return file;
      };
      // Hermetic: no PIP_* or CA-bundle variables from the machine; trust comes only from pip.conf's cert.
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const key of Object.keys(env)) if (/^PIP_|CA_BUNDLE$|^SSL_CERT_/.test(key)) delete env[key];
      Object.assign(env, { HOME: dir, PIP_NO_INPUT: "1" });
      const ok = await run(pip, ["install", "tinyhttp"], { env: { ...env, PIP_CONFIG_FILE: pipConf(index("admin", sandbox.nexusAdminPassword)) }, timeout: 120_000 });
      expect(ok.stdout).toMatch(/Successfully installed tinycore-1\.1\.0 tinyhttp-0\.9\.0 tinylog-0\.4\.0/);
      const hello = await run(path.join(dir, "venv", "bin", "python"), ["-c", "import tinyhttp, tinylog; print(tinyhttp.hello())"]);
      expect(hello.stdout.trim()).toBe("tinyhttp 0.9.0");

      const bad = await run(pip, ["install", "-vv", "tinyjson"], { env: { ...env, PIP_CONFIG_FILE: pipConf(index("admin", "wrong-password")) }, timeout: 120_000 }).then(
        () => ({ failed: false, output: "" }),
        (error: { stdout?: string; stderr?: string }) => ({ failed: true, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
      );
      expect(bad.failed).toBe(true);
      // pip reports the HTTP status of the index only at -vv; the sandbox's record shows the 401 too.
      expect(bad.output, bad.output).toMatch(/401 Client Error: Unauthorized/);
      expect(bad.output).toMatch(/No matching distribution found for tinyjson/);
      const seen = await listRecordedRequests(sandbox.endpoints.nexus, { service: "nexus", path: "/repository/pypi-proxy/simple/tinyjson" });
      expect(seen.map((r) => r.status)).toContain(401);
      expect(JSON.stringify(seen)).not.toContain("wrong-password");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type RepodataRecord = { fn: string; name: string; version: string; build: string; depends: string[]; sha256: string; md5: string; size: number; subdir: string };

/** Reads repodata.json the way conda does: both "packages" (.tar.bz2) and "packages.conda" maps. */
function parseRepodata(raw: unknown): { subdir: string; records: RepodataRecord[] } {
  const doc = raw as { info?: { subdir?: string }; packages?: Record<string, Omit<RepodataRecord, "fn">>; "packages.conda"?: Record<string, Omit<RepodataRecord, "fn">>; repodata_version?: number };
  expect(doc.repodata_version).toBe(1);
  const records: RepodataRecord[] = [];
  for (const map of [doc.packages ?? {}, doc["packages.conda"] ?? {}]) {
    for (const [fn, rec] of Object.entries(map)) {
      expect(fn).toBe(`${rec.name}-${rec.version}-${rec.build}${fn.endsWith(".conda") ? ".conda" : ".tar.bz2"}`);
      expect(rec.subdir).toBe(doc.info?.subdir);
      expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(rec.md5).toMatch(/^[0-9a-f]{32}$/);
      records.push({ fn, ...rec });
    }
  }
  return { subdir: doc.info?.subdir ?? "", records };
}
