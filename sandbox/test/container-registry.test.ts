import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_REGISTRY_IMAGES } from "../registry/container-registry";
import { startTestSandbox, type TestSandbox } from "../testing";

const IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest";
const REPOSITORY = "azureml/openmpi4.1.0-ubuntu22.04";
const ACCEPT = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json";

/** The anonymous token round the 401 challenge describes (distribution-spec, token authentication). */
async function pullToken(base: string, repository: string): Promise<string> {
  const challenged = await fetch(`${base}/v2/${repository}/manifests/latest`, { method: "HEAD", headers: { accept: ACCEPT } });
  expect(challenged.status).toBe(401);
  const header = challenged.headers.get("www-authenticate") ?? "";
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  expect(header).toMatch(/^Bearer /);
  expect(params.scope).toBe(`repository:${repository}:pull`);
  const url = new URL(params.realm ?? "");
  url.searchParams.set("service", params.service ?? "");
  url.searchParams.set("scope", params.scope ?? "");
  const body = (await (await fetch(url)).json()) as { token: string };
  expect(body.token).toMatch(/\S{16,}/);
  return body.token;
}

async function advance(base: string, image: string): Promise<Response> {
  return fetch(`${base}/_sandbox/container-registry/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ image }) });
}

describe("sandbox container registry (OCI distribution v2)", () => {
  let sandbox: TestSandbox;
  let base: string;
  let token: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    base = sandbox.endpoints.containerRegistry ?? "";
    token = await pullToken(base, REPOSITORY);
  });
  afterAll(async () => sandbox?.stop());

  it("answers GET /v2/ and serves every base image's manifest by tag and by digest, its digest the sha256 of its bytes", async () => {
    const root = await fetch(`${base}/v2/`);
    expect(root.status).toBe(200);
    expect(root.headers.get("docker-distribution-api-version")).toBe("registry/2.0");

    for (const image of SANDBOX_REGISTRY_IMAGES) {
      const repository = image.slice("mcr.microsoft.com/".length).split(":")[0] ?? "";
      const auth = { authorization: `Bearer ${await pullToken(base, repository)}`, accept: ACCEPT };
      const head = await fetch(`${base}/v2/${repository}/manifests/latest`, { method: "HEAD", headers: auth });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toBe("application/vnd.oci.image.index.v1+json");
      const digest = head.headers.get("docker-content-digest") ?? "";
      expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(await head.text()).toBe("");

      const get = await fetch(`${base}/v2/${repository}/manifests/latest`, { headers: auth });
      const bytes = Buffer.from(await get.arrayBuffer());
      expect(get.headers.get("docker-content-digest")).toBe(digest);
      expect(Number(head.headers.get("content-length"))).toBe(bytes.length);
      expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(digest);
      const index = JSON.parse(bytes.toString("utf8")) as { schemaVersion: number; mediaType: string; manifests: { digest: string; mediaType: string }[] };
      expect(index).toMatchObject({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json" });

      // By digest: the index itself, and the platform manifest it lists.
      const byDigest = await fetch(`${base}/v2/${repository}/manifests/${digest}`, { headers: auth });
      expect(byDigest.status).toBe(200);
      expect(Buffer.from(await byDigest.arrayBuffer()).equals(bytes)).toBe(true);
      const child = index.manifests[0];
      const platform = await fetch(`${base}/v2/${repository}/manifests/${child?.digest ?? ""}`, { headers: auth });
      expect(platform.headers.get("content-type")).toBe(child?.mediaType);
      expect(`sha256:${createHash("sha256").update(Buffer.from(await platform.arrayBuffer())).digest("hex")}`).toBe(child?.digest);
    }
  });

  it("answers unknown repositories, tags and digests with the spec's error JSON", async () => {
    const auth = { authorization: `Bearer ${token}`, accept: ACCEPT };
    const unknownTag = await fetch(`${base}/v2/${REPOSITORY}/manifests/nope`, { headers: auth });
    expect(unknownTag.status).toBe(404);
    expect(await unknownTag.json()).toMatchObject({ errors: [{ code: "MANIFEST_UNKNOWN", message: expect.any(String) }] });
    const unknownDigest = await fetch(`${base}/v2/${REPOSITORY}/manifests/sha256:${"0".repeat(64)}`, { headers: auth });
    expect(await unknownDigest.json()).toMatchObject({ errors: [{ code: "MANIFEST_UNKNOWN" }] });
    const other = "library/ubuntu";
    const unknownName = await fetch(`${base}/v2/${other}/manifests/latest`, { headers: { authorization: `Bearer ${await pullToken(base, other)}`, accept: ACCEPT } });
    expect(unknownName.status).toBe(404);
    expect(await unknownName.json()).toMatchObject({ errors: [{ code: "MANIFEST_UNKNOWN" }] });
    const noToken = await fetch(`${base}/v2/${REPOSITORY}/manifests/latest`, { headers: { authorization: "Bearer forged" } });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ errors: [{ code: "UNAUTHORIZED" }] });
  });

  it("moves one image forward to a new digest (the old one still pullable by digest) and refuses images it does not serve", async () => {
    const other = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest";
    const before = await listDigests(base);
    const moved = await advance(base, IMAGE);
    expect(moved.status).toBe(200);
    const body = (await moved.json()) as { previousDigest: string; digest: string };
    expect(body.previousDigest).toBe(before[IMAGE]);
    expect(body.digest).not.toBe(body.previousDigest);
    const after = await listDigests(base);
    expect(after[IMAGE]).toBe(body.digest);
    expect(after[other]).toBe(before[other]);
    expect(sandbox.containerRegistry.digestOf(IMAGE)).toBe(body.digest);

    const auth = { authorization: `Bearer ${token}`, accept: ACCEPT };
    const head = await fetch(`${base}/v2/${REPOSITORY}/manifests/latest`, { method: "HEAD", headers: auth });
    expect(head.headers.get("docker-content-digest")).toBe(body.digest);
    expect((await fetch(`${base}/v2/${REPOSITORY}/manifests/${body.previousDigest}`, { method: "HEAD", headers: auth })).status).toBe(200);

    expect((await advance(base, "docker.io/library/ubuntu:latest")).status).toBe(404);
    expect((await fetch(`${base}/_sandbox/container-registry/advance`, { method: "POST", body: "{\"image\":1}" })).status).toBe(400);
    // The admin path is on every sandbox server, like /_sandbox/pace.
    expect((await fetch(`${sandbox.endpoints.arm}/_sandbox/container-registry`)).status).toBe(200);
  });
});

describe("sandbox container registry across a restart", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "feedgate-registry-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps a moved-forward digest", async () => {
    const first = await startTestSandbox({ dataDir, persistState: true, snapshotDebounceMs: 20 });
    let moved: string;
    try {
      const r = await advance(first.endpoints.containerRegistry ?? "", IMAGE);
      moved = ((await r.json()) as { digest: string }).digest;
    } finally {
      await first.stop();
    }
    const second = await startTestSandbox({ dataDir, persistState: true, snapshotDebounceMs: 20 });
    try {
      const digests = await listDigests(second.endpoints.containerRegistry ?? "");
      expect(digests[IMAGE]).toBe(moved);
      const base = second.endpoints.containerRegistry ?? "";
      const head = await fetch(`${base}/v2/${REPOSITORY}/manifests/latest`, { method: "HEAD", headers: { authorization: `Bearer ${await pullToken(base, REPOSITORY)}`, accept: ACCEPT } });
      expect(head.headers.get("docker-content-digest")).toBe(moved);
    } finally {
      await second.stop();
    }
  });
});

async function listDigests(base: string): Promise<Record<string, string>> {
  const body = (await (await fetch(`${base}/_sandbox/container-registry`)).json()) as { value: { image: string; digest: string }[] };
  return Object.fromEntries(body.value.map((v) => [v.image, v.digest]));
}
