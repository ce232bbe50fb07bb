import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, listRecordedRequests, nexusProxyBody, startTestSandbox, type TestSandbox } from "../testing";
import { createPipVenv, DEBIAN_PYTHON, debianSystemPip, withCredentials, type PipClient } from "./real-pip";

const PEP691_JSON = "application/vnd.pypi.simple.v1+json";
const run = promisify(execFile);

/**
 * Real pip clients nobody here wrote, through Nexus and Artifacts: Debian's own pip 23.0.1
 * (python3-pip, run by /usr/bin/python3 with --target), the pip of a venv of Debian's python
 * (23.0.1 from python3-pip-whl) and the pip of a venv of the PATH's python3 (a newer pip).
 */
describe("real pip clients against the sandbox indexes", () => {
  let sandbox: TestSandbox;
  let nexusIndex: string;
  let artifactsIndex: string;
  let system: PipClient;
  let debian: PipClient;
  let current: PipClient;
  let clients: PipClient[];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const admin = basicAuth("admin", sandbox.nexusAdminPassword);
    const created = await fetch(`${sandbox.endpoints.nexus}/service/rest/v1/repositories/pypi/proxy`, { method: "POST", headers: { authorization: admin, "content-type": "application/json" }, body: JSON.stringify(nexusProxyBody("pypi-proxy", "https://pypi.org/")) });
    expect(created.status).toBe(201);
    nexusIndex = withCredentials(`${sandbox.endpoints.nexus}/repository/pypi-proxy/simple/`, "admin", sandbox.nexusAdminPassword);
    const pat = readFileSync(sandbox.endpoints.artifactsPatFile, "utf8");
    const feed = await fetch(`${sandbox.endpoints.artifacts}/contoso/ml/_apis/packaging/feeds?api-version=7.1`, {
      method: "POST",
      headers: { authorization: basicAuth("", pat), "content-type": "application/json" },
      body: JSON.stringify({ name: "team", upstreamEnabled: true, upstreamSources: [{ name: "PyPI", protocol: "pypi", location: "https://pypi.org/", upstreamSourceType: "public" }] }),
    });
    expect(feed.status).toBe(201);
    artifactsIndex = withCredentials(`${sandbox.endpoints.artifacts}/contoso/ml/_packaging/team/pypi/simple/`, "feedgate", pat);
    system = debianSystemPip(sandbox.endpoints.caCertFile);
    [debian, current] = await Promise.all([createPipVenv(DEBIAN_PYTHON, sandbox.endpoints.caCertFile, "the pip of a venv of Debian's python"), createPipVenv("python3", sandbox.endpoints.caCertFile, "the pip of a venv of the PATH's python3")]);
    clients = [system, debian, current];
  }, 300_000);
  afterAll(async () => {
    for (const client of [system, debian, current]) client?.remove();
    await sandbox?.stop();
  });

  it("sends PEP 714's core-metadata in the PEP 691 JSON index and the HTML index, never the old dist-info-metadata", async () => {
    const auth = basicAuth("admin", sandbox.nexusAdminPassword);
    const json = await fetch(`${sandbox.endpoints.nexus}/repository/pypi-proxy/simple/tinycore/`, { headers: { authorization: auth, accept: PEP691_JSON } });
    const text = await json.text();
    expect(text).not.toContain("dist-info-metadata");
    const body = JSON.parse(text) as { files: { filename: string; "core-metadata"?: { sha256: string } }[] };
    const wheel = body.files.find((f) => f.filename.endsWith(".whl"));
    const sdist = body.files.find((f) => f.filename.endsWith(".tar.gz"));
    expect(wheel?.["core-metadata"]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sdist && "core-metadata" in sdist).toBe(false);
    const html = await (await fetch(`${sandbox.endpoints.nexus}/repository/pypi-proxy/simple/tinycore/`, { headers: { authorization: auth } })).text();
    expect(html).toMatch(/data-core-metadata="sha256=[0-9a-f]{64}"/);
    expect(html).not.toContain("data-dist-info-metadata");
  });

  it("installs through a Nexus proxy and an Artifacts feed with Debian's pip 23.0.1 (JSON index), a Debian venv's pip and the current pip", async () => {
    expect(await system.pipVersion()).toBe("23.0.1");
    expect((await run(DEBIAN_PYTHON, ["-c", "import pip; print(pip.__file__)"])).stdout).toMatch(/^\/usr\/lib\/python3\/dist-packages\/pip\//);
    expect(await debian.pipVersion()).toBe("23.0.1");
    expect(await current.pipVersion()).toMatch(/^\d+\.\d+/);
    for (const client of clients) {
      for (const [index, project] of [[nexusIndex, "tinyhttp"], [artifactsIndex, "tinyml"]] as const) {
        const target = `${client.dir}/site-${project}`;
        const res = await client.pip(["install", "--no-compile", "--target", target, project], index);
        expect(res.ok, `${client.label}: ${res.output}`).toBe(true);
        expect(res.output).not.toMatch(/TypeError|Traceback/);
        expect(res.output).toMatch(new RegExp(`Successfully installed .*${project}-`));
        const imported = await run(client.python, ["-c", `import sys; sys.path.insert(0, sys.argv[1]); import ${project}; print(${project}.__file__)`, target]);
        expect(imported.stdout.trim().startsWith(target), client.label).toBe(true);
      }
    }
  }, 300_000);

  it("builds an sdist-only package with build isolation: setuptools and wheel come from the index", async () => {
    for (const venv of clients) {
      for (const index of [nexusIndex, artifactsIndex]) {
        const target = `${venv.dir}/site-src-${index === nexusIndex ? "nexus" : "artifacts"}`;
        const res = await venv.pip(["install", "--no-compile", "--target", target, "tinysrc"], index);
        expect(res.ok, `${venv.label}: ${res.output}`).toBe(true);
        expect(res.output).toMatch(/tinysrc-0\.2\.0\.tar\.gz/);
        expect(res.output).toMatch(/Installing build dependencies: (started|\.\.\.)/);
        expect(res.output).toMatch(/Building wheel for tinysrc \(pyproject\.toml\)/);
        expect(res.output).toMatch(/Successfully installed tinycore-1\.1\.0 tinysrc-0\.2\.0/);
        const hello = await run(venv.python, ["-c", "import sys; sys.path.insert(0, sys.argv[1]); import tinysrc; print(tinysrc.hello())", target]);
        expect(hello.stdout.trim()).toBe("tinysrc 0.2.0");
      }
    }
    // Every client's isolated build environment fetched both build tools through the index it was given (no cache).
    for (const [service, base, files] of [["nexus", sandbox.endpoints.nexus, "/packages/"], ["artifacts", sandbox.endpoints.artifacts, "/download/"]] as const) {
      const fetched = await listRecordedRequests(base, { service, pathRegex: `${files}(setuptools|wheel)/.*\\.whl$` });
      const counts = new Map<string, number>();
      for (const r of fetched.filter((f) => f.status === 200)) {
        const file = r.path.split("/").pop() ?? "";
        counts.set(file, (counts.get(file) ?? 0) + 1);
      }
      expect([...counts.keys()].sort(), service).toEqual(["setuptools-68.0.0-py3-none-any.whl", "wheel-0.41.0-py3-none-any.whl"]);
      for (const n of counts.values()) expect(n, service).toBeGreaterThanOrEqual(clients.length);
    }
  }, 300_000);

  it("builds the fixtures' sdists into complete wheels with the stand-in backend (pip wheel --no-binary)", async () => {
    const out = `${current.dir}/wheels`;
    const res = await current.pip(["wheel", "--no-deps", "--no-binary", "tinyhttp", "--wheel-dir", out, "tinyhttp==0.9.0"], nexusIndex);
    expect(res.ok, res.output).toBe(true);
    const listing = await run(current.python, ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(chr(10).join(sorted(z.namelist()))); print(z.read('tinyhttp-0.9.0.dist-info/METADATA').decode())", `${out}/tinyhttp-0.9.0-py3-none-any.whl`]);
    expect(listing.stdout).toContain("tinyhttp/__init__.py");
    expect(listing.stdout).toContain("tinyhttp-0.9.0.dist-info/RECORD");
    expect(listing.stdout).toMatch(/Requires-Dist: tinycore>=1\.1/);
    expect(listing.stdout).toMatch(/Requires-Dist: tinylog/);
  });

  it("names a Nexus routing rule's refusal in pip's error: 403 with Nexus's reason phrase", async () => {
    const api = (p: string, body: unknown, method = "POST") => fetch(`${sandbox.endpoints.nexus}/service/rest${p}`, { method, headers: { authorization: basicAuth("admin", sandbox.nexusAdminPassword), "content-type": "application/json" }, body: JSON.stringify(body) });
    const rule = { name: "typosquats", description: "", mode: "BLOCK", matchers: ["/simple/tinyhtpp/?", "/packages/(?:.*/)?tinyhtpp-[0-9][^/]*"] };
    expect((await api("/v1/routing-rules", rule)).status).toBe(204);
    expect((await api("/v1/repositories/pypi/proxy", { ...nexusProxyBody("pypi-ruled", "https://pypi.org/"), routingRule: "typosquats" })).status).toBe(201);
    const index = withCredentials(`${sandbox.endpoints.nexus}/repository/pypi-ruled/simple/`, "admin", sandbox.nexusAdminPassword);
    const message = "Routing rules block the requested item from this repository";

    const page = await fetch(`${sandbox.endpoints.nexus}/repository/pypi-ruled/simple/tinyhtpp/`, { headers: { authorization: basicAuth("admin", sandbox.nexusAdminPassword) } });
    expect([page.status, page.statusText]).toEqual([403, message]);
    expect(await page.text()).toMatch(new RegExp(`Error 403.*Forbidden.*${message}`, "s"));

    for (const venv of clients) {
      // A file request (here a direct wheel URL) fails with the reason in pip's error, without -v.
      const wheel = withCredentials(`${sandbox.endpoints.nexus}/repository/pypi-ruled/packages/tinyhtpp/0.9.1/tinyhtpp-0.9.1-py3-none-any.whl`, "admin", sandbox.nexusAdminPassword);
      const direct = await venv.pip(["install", "--no-compile", "--target", `${venv.dir}/site-ruled`, wheel], index);
      expect(direct.ok).toBe(false);
      expect(direct.output, direct.output).toMatch(new RegExp(`403 Client Error: ${message} for url: \\S+/packages/tinyhtpp/0\\.9\\.1/tinyhtpp-0\\.9\\.1-py3-none-any\\.whl`));
      // The project page: pip skips a refused index page and says why at -vv, as for any index error.
      const byName = await venv.pip(["install", "-vv", "--no-compile", "--target", `${venv.dir}/site-ruled`, "tinyhtpp"], index);
      expect(byName.ok).toBe(false);
      expect(byName.output, byName.output).toMatch(new RegExp(`403 Client Error: ${message} for url: \\S+/simple/tinyhtpp/`));
      expect(byName.output).toMatch(/No matching distribution found for tinyhtpp/);
    }
  }, 300_000);
});
