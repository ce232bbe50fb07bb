import { describe, expect, it } from "vitest";
import { parseBaseImageDigest } from "./base-image-digest";

const D1 = `sha256:${"ab".repeat(32)}`;

describe("parseBaseImageDigest", () => {
  it("reads the Digest line that follows the base image's pull", () => {
    const log = ["Step 1/9 : FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", "latest: Pulling from azureml/openmpi4.1.0-ubuntu22.04", `Digest: ${D1}`, "Status: Downloaded newer image"].join("\n");
    expect(parseBaseImageDigest(log)).toBe(D1);
  });

  it("ignores a Digest line before any pull, and a pull without one", () => {
    expect(parseBaseImageDigest(`Digest: ${D1}\nno pull here`)).toBeNull();
    expect(parseBaseImageDigest("latest: Pulling from azureml/x\nStatus: Image is up to date")).toBeNull();
    expect(parseBaseImageDigest(`latest: Pulling from azureml/x\nDigest: sha256:short`)).toBeNull();
  });
});
