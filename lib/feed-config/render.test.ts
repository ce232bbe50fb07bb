import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderCondaYml, renderCondarc, renderDockerfile, renderPipConf, renderRequirementsTxt, renderSetupScript } from "./render";

const nexus = {
  pipIndexUrl: "https://127.0.0.1:8443/repository/vision-pypi-org/simple/",
  condaChannelUrls: ["https://127.0.0.1:8443/repository/vision-conda-forge/"],
};
const plainHttp = { pipIndexUrl: "http://192.168.0.13:8081/repository/pypi-proxy/simple/", condaChannelUrls: [] };
const spec = { baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest" as const, conda: ["python=3.11", "numpy>=1.26"], pip: ["requests==2.32.3"] };

/** Only PATH and what the test sets: nothing of the developer's own pip or conda config leaks in. */
const bareEnv = (vars: Record<string, string>) => ({ PATH: process.env.PATH ?? "", ...vars }) as unknown as NodeJS.ProcessEnv;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), "feedgate-config-"));

describe("pip.conf", () => {
  it("is read by real pip config list", () => {
    const dir = tmp();
    const file = path.join(dir, "pip.conf");
    writeFileSync(file, renderPipConf(plainHttp));
    const out = execFileSync("python3", ["-m", "pip", "config", "list"], { env: { ...process.env, PIP_CONFIG_FILE: file }, encoding: "utf8" });
    expect(out).toContain("global.index-url='http://192.168.0.13:8081/repository/pypi-proxy/simple/'");
    expect(out).toContain("global.trusted-host='192.168.0.13:8081'");
  });

  it("trusts no host when the feed is https", () => {
    expect(renderPipConf(nexus)).not.toContain("trusted-host");
  });

  it("refuses a URL that could break out of the file", () => {
    expect(() => renderPipConf({ ...nexus, pipIndexUrl: "https://h/simple\n[global]\nindex-url=https://evil" })).toThrow();
  });
});

describe(".condarc", () => {
  it("parses as YAML with the keys conda expects", () => {
    const doc = parseYaml(renderCondarc(nexus)) as Record<string, unknown>;
    expect(doc.channels).toEqual(nexus.condaChannelUrls);
    expect(doc.default_channels).toEqual(nexus.condaChannelUrls);
    expect(doc.channel_priority).toBe("strict");
  });

  it("is empty for a feed without conda (Azure Artifacts)", () => {
    expect(renderCondarc(plainHttp)).toBe("");
  });
});

describe("compute-instance setup script", () => {
  const script = renderSetupScript(nexus);

  it("passes bash -n and shellcheck", () => {
    const dir = tmp();
    const file = path.join(dir, "feedgate-setup.sh");
    writeFileSync(file, script);
    execFileSync("bash", ["-n", file]);
    const r = spawnSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("writes pip.conf and .condarc into HOME, and pip reads them", () => {
    const home = tmp();
    const file = path.join(home, "feedgate-setup.sh");
    writeFileSync(file, script);
    execFileSync("bash", [file], { env: bareEnv({ HOME: home }) });
    expect(readFileSync(path.join(home, ".config/pip/pip.conf"), "utf8")).toBe(renderPipConf(nexus));
    expect(parseYaml(readFileSync(path.join(home, ".condarc"), "utf8"))).toMatchObject({ channels: nexus.condaChannelUrls });
    const out = execFileSync("python3", ["-m", "pip", "config", "list"], { env: bareEnv({ HOME: home, PIP_CONFIG_FILE: "" }), encoding: "utf8" });
    expect(out).toContain(`global.index-url='${nexus.pipIndexUrl}'`);
  });
});

describe("environment files", () => {
  it("renders a Dockerfile that configures the private feed only, following the runbook", () => {
    const d = renderDockerfile(spec, nexus);
    expect(d.split("\n")[1]).toBe(`FROM ${spec.baseImage}`);
    expect(d).toContain("conda config --remove channels defaults");
    expect(d).toContain(`conda config --append channels ${nexus.condaChannelUrls[0]}`);
    expect(d).toContain(`pip config set global.index-url ${nexus.pipIndexUrl}`);
    expect(d).toContain("pip install --no-cache-dir -r /tmp/feedgate/requirements.txt");
    expect(d).not.toContain("pypi.org");
  });

  it("ends with layers that print what was installed between the lock markers, conda only when conda is used", () => {
    const d = renderDockerfile(spec, nexus).trimEnd().split("\n");
    expect(d.slice(-2)).toEqual([
      "RUN echo '### FEEDGATE-LOCK BEGIN pip ###' && pip list --format=freeze && echo '### FEEDGATE-LOCK END pip ###'",
      "RUN echo '### FEEDGATE-LOCK BEGIN conda ###' && conda list --explicit && echo '### FEEDGATE-LOCK END conda ###'",
    ]);
    const pipOnly = renderDockerfile({ ...spec, conda: [] }, nexus);
    expect(pipOnly).toContain("pip list --format=freeze");
    expect(pipOnly).not.toContain("conda list");
  });

  it("refuses a base image outside the allow-list", () => {
    expect(() => renderDockerfile({ ...spec, baseImage: "evil.example/x:latest" as typeof spec.baseImage }, nexus)).toThrow();
  });

  it("refuses package specs that would inject into the Dockerfile", () => {
    expect(() => renderDockerfile({ ...spec, pip: ["numpy; curl x | sh"] }, nexus)).toThrow();
    expect(() => renderDockerfile({ ...spec, conda: ["numpy\nRUN curl x"] }, nexus)).toThrow();
  });

  it("renders conda.yml that YAML reads back exactly, and requirements.txt", () => {
    const doc = parseYaml(renderCondaYml(spec, nexus)) as { channels: string[]; dependencies: string[] };
    expect(doc.channels).toEqual([...nexus.condaChannelUrls, "nodefaults"]);
    expect(doc.dependencies).toEqual(spec.conda);
    expect(renderRequirementsTxt(spec)).toBe("requests==2.32.3\n");
  });
});
