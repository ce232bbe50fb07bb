import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SandboxRequest } from "../core/http";
import { readSnapshotFile } from "../core/snapshot";
import { simpleIndexProject } from "../packages/pypi-index";
import { generateUpstream } from "../packages/upstream";
import { startTestSandbox } from "../testing";

function request(accept: string): SandboxRequest {
  const url = new URL("https://127.0.0.1/simple/tinyml/");
  return { service: "nexus", method: "GET", url, path: url.pathname, params: {}, headers: { accept }, body: Buffer.alloc(0), baseUrl: "https://127.0.0.1" };
}

describe("PEP 592 yanked releases in the sandbox index", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("marks every file of a yanked release: data-yanked in HTML, yanked in PEP 691 JSON", async () => {
    const upstream = await generateUpstream();
    const options = { upstream, visible: () => true, fileHref: (_p: unknown, _v: string, f: { filename: string }) => `../../packages/${f.filename}` };
    upstream.yanked.set("tinyml==0.3.0", "Broken <wheel>");
    const html = simpleIndexProject(request("text/html"), "tinyml", options).text ?? "";
    const anchors = html.split("\n").filter((l) => l.includes("<a "));
    expect(anchors.length).toBeGreaterThan(0);
    for (const a of anchors) expect(a).toContain('data-yanked="Broken &lt;wheel&gt;"');
    const json = simpleIndexProject(request("application/vnd.pypi.simple.v1+json"), "tinyml", options).json as { files: { yanked?: unknown }[] };
    expect(json.files.every((f) => f.yanked === "Broken <wheel>")).toBe(true);
    upstream.yanked.set("tinyml==0.3.0", "");
    const bare = simpleIndexProject(request("application/vnd.pypi.simple.v1+json"), "tinyml", options).json as { files: { yanked?: unknown }[] };
    expect(bare.files.every((f) => f.yanked === true)).toBe(true);
    expect((simpleIndexProject(request("text/html"), "tinyml", options).text ?? "").match(/data-yanked=""/g)?.length).toBe(anchors.length);
    upstream.yanked.clear();
    expect(simpleIndexProject(request("text/html"), "tinyml", options).text).not.toContain("data-yanked");
  });

  it("yanks through the admin endpoint, refuses unknown releases and keeps yanks in state.json", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "feedgate-yank-"));
    dirs.push(dataDir);
    const sandbox = await startTestSandbox({ dataDir, persistState: true, snapshotDebounceMs: 20 });
    try {
      const post = (body: unknown) => fetch(`${sandbox.endpoints.nexus}/_sandbox/pypi/yank`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const ok = await post({ project: "TinyML", version: "0.3.0", reason: "Broken wheel" });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ project: "tinyml", version: "0.3.0", yanked: true });
      expect((await post({ project: "tinyml", version: "9.9.9" })).status).toBe(404);
      expect((await post({ project: "tinyml" })).status).toBe(400);
    } finally {
      await sandbox.stop();
    }
    const state = readSnapshotFile(path.join(dataDir, "state.json")) as { pypi?: { yanked?: [string, string][] } };
    expect(state.pypi?.yanked).toEqual([["tinyml==0.3.0", "Broken wheel"]]);
  });
});
