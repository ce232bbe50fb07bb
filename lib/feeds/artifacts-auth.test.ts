import { describe, expect, it } from "vitest";
import { artifactsAuthHint } from "./artifacts-auth";

describe("artifactsAuthHint", () => {
  it("names the index's host without its port, as .netrc machines are matched, and holds only a placeholder", () => {
    expect(artifactsAuthHint("https://pkgs.dev.azure.com/contoso/ml/_packaging/vision-feed/pypi/simple/")).toEqual({
      machine: "pkgs.dev.azure.com",
      netrcLine: "machine pkgs.dev.azure.com login feedgate password <your PAT>",
      prepareCommand: "touch ~/.netrc && chmod 600 ~/.netrc",
      patScope: "Packaging (Read)",
    });
    expect(artifactsAuthHint("https://127.0.0.1:44183/contoso/ml/_packaging/vision-feed/pypi/simple/").machine).toBe("127.0.0.1");
  });
});
