import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BaseImageId } from "@/lib/validation/base-images";
import { listRecordedRequests, startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { createContainerRegistryClient, parseBaseImage, parseBearerChallenge } from "./container-registry";

const IMAGE: BaseImageId = "mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:latest";

describe("container registry client against the sandbox registry", () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => sandbox?.stop());

  it("reads a base image's digest with one anonymous token round, then follows it forward", async () => {
    const base = sandbox.endpoints.containerRegistry ?? "";
    const client = createContainerRegistryClient({ baseUrlFor: (host) => (host === "mcr.microsoft.com" ? base : "https://unreachable.invalid") });
    const first = await client.manifestDigest(IMAGE);
    expect(first).toBe(sandbox.containerRegistry.digestOf(IMAGE));
    const requests = await listRecordedRequests(base, { service: "containerRegistry" });
    expect(requests.map((r) => [r.method, r.path.replace(/\?.*$/, ""), r.status])).toEqual([
      ["HEAD", "/v2/azureml/curated/acpt-pytorch-2.2-cuda12.1/manifests/latest", 401],
      ["GET", "/oauth2/token", 200],
      ["HEAD", "/v2/azureml/curated/acpt-pytorch-2.2-cuda12.1/manifests/latest", 200],
    ]);
    expect(requests[0]?.headers.accept).toContain("application/vnd.oci.image.index.v1+json");
    expect(requests[0]?.headers.accept).toContain("application/vnd.docker.distribution.manifest.list.v2+json");

    sandbox.containerRegistry.advance(IMAGE);
    const second = await client.manifestDigest(IMAGE);
    expect(second).not.toBe(first);
    expect(second).toBe(sandbox.containerRegistry.digestOf(IMAGE));
    // The token is reused: no second challenge.
    expect((await listRecordedRequests(base, { service: "containerRegistry" })).filter((r) => r.status === 401)).toHaveLength(1);
  });

  it("refuses anything but an allow-listed image", async () => {
    const client = createContainerRegistryClient({ baseUrlFor: () => sandbox.endpoints.containerRegistry ?? "" });
    await expect(client.manifestDigest("mcr.microsoft.com/azureml/../../v2/evil:latest" as BaseImageId)).rejects.toThrow(/allow-listed/);
    expect(() => parseBaseImage("docker.io/library/ubuntu:latest" as BaseImageId)).toThrow(/allow-listed/);
    expect(parseBaseImage("mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04:latest")).toEqual({ host: "mcr.microsoft.com", repository: "azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04", tag: "latest" });
    expect(parseBearerChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"')).toEqual({ realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull" });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
  });
});
