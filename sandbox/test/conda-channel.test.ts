import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, nexusProxyBody, startTestSandbox, type TestSandbox } from "../testing";

const run = promisify(execFile);

type Record_ = { name: string; version: string; build: string; depends: string[]; sha256: string; md5: string; size: number; subdir: string; noarch?: string };
type Repodata = { info: { subdir: string }; packages: Record<string, Record_>; "packages.conda": Record<string, Record_> };

describe("conda channel through a Nexus conda proxy", () => {
  let sandbox: TestSandbox;
  let auth: string;
  let channel: string;
  const get = (p: string, headers: Record<string, string> = {}, method = "GET") => fetch(`${channel}/${p}`, { method, headers: { authorization: auth, ...headers } });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    auth = basicAuth("admin", sandbox.nexusAdminPassword);
    const created = await fetch(`${sandbox.endpoints.nexus}/service/rest/v1/repositories/conda/proxy`, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(nexusProxyBody("conda-forge", "https://conda.anaconda.org/conda-forge/", "conda")) });
    expect(created.status).toBe(201);
    channel = `${sandbox.endpoints.nexus}/repository/conda-forge`;
  });
  afterAll(async () => sandbox?.stop());

  it("carries a python (a metadata-only stand-in, .tar.bz2 in linux-64), so a solve from the channel alone finds every dependency", async () => {
    const linux = (await (await get("linux-64/repodata.json")).json()) as Repodata;
    const noarch = (await (await get("noarch/repodata.json")).json()) as Repodata;
    const python = linux.packages["python-3.11.0-0_feedgate_sandbox.tar.bz2"];
    expect(python).toMatchObject({ name: "python", version: "3.11.0", subdir: "linux-64", depends: [] });
    expect(linux["packages.conda"]).toEqual({});
    const all = [...Object.values(linux.packages), ...Object.values(noarch["packages.conda"])];
    const provides = (spec: string) => {
      const [name, constraint] = spec.split(" ");
      return all.some((r) => r.name === name && (!constraint?.startsWith(">=") || Number(r.version.split(".")[0]) * 100 + Number(r.version.split(".")[1]) >= Number(constraint.slice(2).split(".")[0]) * 100 + Number(constraint.slice(2).split(".")[1] ?? 0)));
    };
    for (const rec of Object.values(noarch["packages.conda"])) {
      expect(rec.noarch).toBe("python");
      for (const dep of rec.depends) expect(provides(dep), `${rec.name}: ${dep}`).toBe(true);
    }
    const channeldata = (await (await get("channeldata.json")).json()) as { packages: Record<string, { subdirs: string[] }>; subdirs: string[] };
    expect(channeldata.packages.python?.subdirs).toEqual(["linux-64"]);
    expect(channeldata.subdirs).toEqual(["linux-64", "noarch"]);

    // The archive is what the record says: hashes, size, and an info/index.json that matches.
    const res = await get(`linux-64/python-3.11.0-0_feedgate_sandbox.tar.bz2`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([bytes.length, createHash("sha256").update(bytes).digest("hex"), createHash("md5").update(bytes).digest("hex")]).toEqual([python?.size, python?.sha256, python?.md5]);
    const script = "import io, json, sys, tarfile\nt = tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read()), mode='r:bz2')\nprint(json.dumps({'names': sorted(t.getnames()), 'index': json.load(t.extractfile('info/index.json'))}))";
    const unpacked = await new Promise<string>((resolve, reject) => {
      const child = execFile("python3", ["-c", script], (error, stdout) => (error ? reject(error) : resolve(stdout)));
      child.stdin?.end(bytes);
    });
    const { names, index } = JSON.parse(unpacked) as { names: string[]; index: Record<string, unknown> };
    expect(names).toEqual(["info/about.json", "info/files", "info/index.json", "info/paths.json"]);
    expect(index).toMatchObject({ name: python?.name, version: python?.version, build: python?.build, subdir: "linux-64", depends: [] });
  });

  it("answers Range requests on .conda and .tar.bz2 files (206, Content-Range, 416), with ETag and Last-Modified (304)", async () => {
    const noarch = (await (await get("noarch/repodata.json")).json()) as Repodata;
    const [fn, rec] = Object.entries(noarch["packages.conda"]).find(([, r]) => r.name === "tinyml") ?? [];
    const file = `noarch/${fn}`;
    const full = await get(file);
    const bytes = Buffer.from(await full.arrayBuffer());
    const etag = full.headers.get("etag") ?? "";
    const lastModified = full.headers.get("last-modified") ?? "";
    expect(full.status).toBe(200);
    expect(etag).toBe(`"${createHash("sha1").update(bytes).digest("hex")}"`);
    expect(new Date(lastModified).toISOString()).toBe("2024-01-02T03:04:05.000Z");
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect(bytes.length).toBe(rec?.size);

    const head = await get(file, {}, "HEAD");
    expect([head.status, head.headers.get("content-length"), head.headers.get("accept-ranges"), head.headers.get("etag")]).toEqual([200, String(bytes.length), "bytes", etag]);

    const first = await get(file, { range: "bytes=0-3" });
    expect([first.status, first.headers.get("content-range"), first.headers.get("content-length")]).toEqual([206, `bytes 0-3/${bytes.length}`, "4"]);
    expect(Buffer.from(await first.arrayBuffer()).toString("hex")).toBe("504b0304");
    const tail = await get(file, { range: "bytes=-22" });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 22)); // the zip's end of central directory
    const open = await get(file, { range: `bytes=${bytes.length - 5}-` });
    expect(open.headers.get("content-range")).toBe(`bytes ${bytes.length - 5}-${bytes.length - 1}/${bytes.length}`);
    const beyond = await get(file, { range: `bytes=${bytes.length}-` });
    expect([beyond.status, beyond.headers.get("content-range")]).toEqual([416, `bytes */${bytes.length}`]);
    expect((await get(file, { range: "bytes=0-1,5-6" })).status).toBe(501);
    expect((await get(file, { range: "bytes=0-3", "if-range": '"stale"' })).status).toBe(200);
    expect((await get(file, { range: "bytes=0-3", "if-range": etag })).status).toBe(206);

    const cached = await get(file, { "if-none-match": etag });
    expect([cached.status, cached.headers.get("etag"), await cached.text()]).toEqual([304, etag, ""]);
    expect((await get(file, { "if-none-match": '"other"' })).status).toBe(200);
    expect((await get(file, { "if-modified-since": lastModified })).status).toBe(304);
    expect((await get(file, { "if-modified-since": new Date(Date.parse(lastModified) - 1000).toUTCString() })).status).toBe(200);

    const bz2 = await get("linux-64/python-3.11.0-0_feedgate_sandbox.tar.bz2", { range: "bytes=0-2" });
    expect([bz2.status, Buffer.from(await bz2.arrayBuffer()).toString("latin1")]).toEqual([206, "BZh"]);
    expect(bz2.headers.get("etag")).toMatch(/^"[0-9a-f]{40}"$/);

    const repodata = await get("noarch/repodata.json");
    const repodataTag = repodata.headers.get("etag") ?? "";
    expect(repodataTag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(repodata.headers.get("last-modified")).toBeTruthy();
    expect((await get("noarch/repodata.json", { "if-none-match": repodataTag })).status).toBe(304);
  });

  it("lets a lazy zip reader (HEAD, then Range reads, as conda-package-streaming does) read a .conda's members without the whole file", async () => {
    const noarch = (await (await get("noarch/repodata.json")).json()) as Repodata;
    const fn = Object.keys(noarch["packages.conda"]).find((f) => f.startsWith("tinyml-")) ?? "";
    const script = `
import io, json, ssl, sys, urllib.request, zipfile
url, auth, ca = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=ca)
def call(method, headers):
    req = urllib.request.Request(url, method=method, headers={"Authorization": auth, "Accept-Encoding": "identity", **headers})
    return urllib.request.urlopen(req, context=ctx)
head = call("HEAD", {})
assert "bytes" in head.headers.get("Accept-Ranges", "none"), "range requests not supported"
length = int(head.headers["Content-Length"])
fetched = []
class Lazy(io.RawIOBase):
    pos = 0
    def readable(self): return True
    def seekable(self): return True
    def tell(self): return self.pos
    def seek(self, offset, whence=0):
        self.pos = offset if whence == 0 else self.pos + offset if whence == 1 else length + offset
        return self.pos
    def readinto(self, b):
        if self.pos >= length or len(b) == 0: return 0
        end = min(self.pos + len(b), length) - 1
        res = call("GET", {"Range": "bytes=%d-%d" % (self.pos, end)})
        assert res.status == 206, res.status
        data = res.read()
        fetched.append(len(data))
        b[:len(data)] = data
        self.pos += len(data)
        return len(data)
z = zipfile.ZipFile(io.BufferedReader(Lazy(), buffer_size=4096))
print(json.dumps({"names": z.namelist(), "metadata": json.loads(z.read("metadata.json")), "length": length, "requests": len(fetched)}))
`;
    const out = await run("python3", ["-c", script, `${channel}/noarch/${fn}`, auth, sandbox.endpoints.caCertFile]);
    const result = JSON.parse(out.stdout) as { names: string[]; metadata: { conda_pkg_format_version: number }; length: number; requests: number };
    expect(result.metadata).toEqual({ conda_pkg_format_version: 2 });
    expect(result.names).toEqual(expect.arrayContaining(["metadata.json", `info-${fn.replace(/\.conda$/, "")}.tar.zst`, `pkg-${fn.replace(/\.conda$/, "")}.tar.zst`]));
    expect(result.requests).toBeGreaterThan(0);
  });
});
