import { describe, expect, it } from "vitest";
import { classifyBuildFailure } from "./classify-build-failure";

// Lines as pip, conda and the Docker daemon print them.
const cases: [string, string[]][] = [
  ["PACKAGE_NOT_FOUND", ["Looking in indexes: https://nexus/repository/p/simple/", "ERROR: Could not find a version that satisfies the requirement nunpy (from versions: none)", "ERROR: No matching distribution found for nunpy"]],
  ["PACKAGE_NOT_FOUND", ["PackagesNotFoundError: The following packages are not available from current channels:", "", "  - notapackage"]],
  ["FEED_AUTH", ["WARNING: 401 Error, Credentials not correct for https://nexus/repository/p/simple/requests/", "ERROR: No matching distribution found for requests"]],
  ["FEED_POLICY", ["ERROR: HTTP error 403 while getting https://nexus/repository/p/packages/x.whl", "ERROR: 403 Client Error: Forbidden for url: https://nexus/x.whl"]],
  ["BASE_IMAGE_PULL", ["Step 1/6 : FROM mcr.microsoft.com/azureml/nope:latest", "Error response from daemon: pull access denied for mcr.microsoft.com/azureml/nope, repository does not exist or may require 'docker login'"]],
  ["DOCKERFILE_ERROR", ["Error response from daemon: Dockerfile parse error line 3: unknown instruction: RUUN"]],
  ["NETWORK_TIMEOUT", ["WARNING: Retrying (Retry(total=4)) after connection broken by 'NewConnectionError(... [Errno 110] Connection timed out')': /simple/numpy/", "ERROR: Could not fetch URL https://nexus/simple/numpy/: connection error - skipping"]],
  ["REGISTRY_OR_COMPUTE", ["Failed to push image: crabc.azurecr.io/azureml/azureml_123: denied: client with IP is not allowed access"]],
];

describe("classifyBuildFailure", () => {
  it.each(cases)("recognises %s", (expected, lines) => {
    const result = classifyBuildFailure(lines.join("\n"));
    expect(result.failureClass).toBe(expected);
    expect(result.evidence).toBeTruthy();
    expect(lines).toContain(result.evidence);
    expect(result.guidance.length).toBeGreaterThan(40);
  });

  it("says UNKNOWN, with advice, when nothing matches", () => {
    const r = classifyBuildFailure("Step 1/3 : FROM x\nKilled");
    expect(r.failureClass).toBe("UNKNOWN");
    expect(r.evidence).toBeUndefined();
  });
});
