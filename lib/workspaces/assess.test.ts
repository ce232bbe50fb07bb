import { describe, expect, it } from "vitest";
import { assessPrivateBuild } from "./assess";

const isolated = {
  publicNetworkAccess: "Disabled",
  privateEndpoints: [{ id: "pe", status: "Approved" }],
  imageBuildCompute: "cluster001",
  storageAccount: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st",
  containerRegistry: "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/cr",
};

describe("assessPrivateBuild", () => {
  it("finds nothing wrong with a fully isolated workspace", () => {
    expect(assessPrivateBuild(isolated)).toEqual({ isolated: true, warnings: [] });
  });

  it("names each thing that breaks a private build", () => {
    expect(assessPrivateBuild({ ...isolated, publicNetworkAccess: "Enabled" })).toMatchObject({ isolated: false, warnings: [expect.stringMatching(/^Public network access is enabled/)] });
    expect(assessPrivateBuild({ ...isolated, publicNetworkAccess: undefined }).isolated).toBe(false);
    expect(assessPrivateBuild({ ...isolated, privateEndpoints: [] })).toMatchObject({ isolated: false, warnings: [expect.stringMatching(/no private endpoint/)] });
    expect(assessPrivateBuild({ ...isolated, privateEndpoints: [{ id: "pe", status: "Pending" }] })).toMatchObject({ isolated: false, warnings: [expect.stringMatching(/1 private endpoint is approved yet/)] });
    expect(assessPrivateBuild({ ...isolated, imageBuildCompute: undefined })).toMatchObject({ isolated: true, warnings: [expect.stringMatching(/--image-build-compute/)] });
    expect(assessPrivateBuild({ ...isolated, storageAccount: undefined, containerRegistry: undefined }).warnings).toHaveLength(2);
  });
});
