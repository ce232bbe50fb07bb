import { describe, expect, it } from "vitest";
import { environmentNameSchema, repositoryNameSchema, toRepositoryName } from "./names";
import { feedUrlSchema, upstreamUrlSchema } from "./urls";

describe("upstream URLs", () => {
  it.each(["https://pypi.org/", "https://conda.anaconda.org/conda-forge/", "https://pkgs.example.com/simple"])("accepts %s", (url) =>
    expect(upstreamUrlSchema.safeParse(url).success).toBe(true),
  );

  it.each([
    ["file:///etc/passwd", /https/],
    ["http://169.254.169.254/", /https/],
    ["https://169.254.169.254/latest/meta-data", /IP address/],
    ["https://[::1]/", /IP address/],
    ["https://10.0.0.4/simple", /IP address/],
    ["https://user:pw@pypi.example.com/", /credentials/],
    ["https://localhost/", /fully qualified|public/],
    ["https://nexus.internal/", /public/],
    ["https://pypi.org/simple?x=1", /query/],
    ["https://pypi.org/ && curl x", /characters/],
    ["not a url", /characters|URL/],
  ])("refuses %s", (url, message) => {
    const r = upstreamUrlSchema.safeParse(url);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(message);
  });
});

describe("names", () => {
  it("refuses environment names with newlines, spaces or path characters", () => {
    for (const bad of ["train\nRUN curl x", "my env", "../etc", "-x", "a"]) expect(environmentNameSchema.safeParse(bad).success).toBe(false);
    expect(environmentNameSchema.safeParse("train-gpu_v2").success).toBe(true);
  });

  it("refuses repository names that climb paths", () => {
    for (const bad of ["../admin", "a/b", "a.b", "UPPER", "-x"]) expect(repositoryNameSchema.safeParse(bad).success).toBe(false);
  });

  it("derives safe repository names from parts", () => {
    expect(toRepositoryName("vision", "pypi.org", "pypi")).toBe("vision-pypi-org-pypi");
    expect(toRepositoryName("../..", "conda")).toBe("conda");
  });

  it("accepts only plain feed URLs for config files", () => {
    expect(feedUrlSchema.safeParse("https://127.0.0.1:8443/repository/vision-pypi/simple/").success).toBe(true);
    expect(feedUrlSchema.safeParse("https://h/x y").success).toBe(false);
    expect(feedUrlSchema.safeParse("https://h/x'$(id)'").success).toBe(false);
  });
});
