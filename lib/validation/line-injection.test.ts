/**
 * The outside probe's payloads: pip options smuggled into requirements.txt through line
 * terminators that `\s` in the grammars admitted (CR, VT, U+2028), and their conda twins.
 * Each must be refused by the schema, with a message that names the problem, at its field.
 */
import { describe, expect, it } from "vitest";
import { renderCondaYml, renderDockerfile, renderRequirementsTxt } from "@/lib/feed-config/render";
import { feedRequestSchema } from "./feed-request";
import { condaSpecSchema, pipRequirementSchema } from "./package-specs";
import { emptyWizardState, pathKey, toFeedRequestInput, wizardStateSchema } from "./request-wizard";

const PIP_PROBES = ["tinyml>=\r--pre", "tinyhttp>=\u2028-rextra.txt", "tinylog>=\v--no-index"];
const CONDA_PROBES = ["tinyml\r>=0.3", "tinyhttp\u2028pip", "tinylog\v0.1", "tinyml 0.3\u2029py_0", "tinyml\f0.3", "tinyml\u0085>=0.3"];
const MESSAGE = /contains a line break or control character/;

const feed = { pipIndexUrl: "https://127.0.0.1:8443/repository/vision-pypi/simple/", condaChannelUrls: ["https://127.0.0.1:8443/repository/vision-conda/"] };
const baseImage = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest" as const;

/** A wizard state that passes feedRequestSchema, so the only issues are the ones a test adds. */
function validWizardState() {
  return wizardStateSchema.parse({
    ...emptyWizardState("team00000001"),
    title: "Vision training feed",
    workspace: { mode: "new", region: "eastus", namePrefix: "vis", addressSpace: "10.42.0.0/16", workspaceId: "" },
    feedHost: { mode: "existing", hostId: "host00000001", organization: "", project: "" },
    upstreamIds: ["upstream00000001"],
    environments: [{ name: "vision-train", baseImage, conda: "tinyhttp", pip: "tinyml==0.3.0" }],
  });
}

describe("the probe's pip payloads", () => {
  it.each(PIP_PROBES)("pipRequirementSchema refuses %j, naming the problem", (spec) => {
    const r = pipRequirementSchema.safeParse(spec);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(MESSAGE);
  });

  it("the feed request schema refuses each at its own field (environments.0.pip.<n>)", () => {
    const state = validWizardState();
    const env = state.environments[0];
    if (!env) throw new Error("fixture has an environment");
    env.pip = PIP_PROBES.join("\n");
    const r = feedRequestSchema.safeParse(toFeedRequestInput(state));
    expect(r.success).toBe(false);
    const issues = (r.error?.issues ?? []).map((i) => ({ path: pathKey(i.path), message: i.message }));
    expect(issues).toEqual(PIP_PROBES.map((_, n) => ({ path: `environments.0.pip.${n}`, message: expect.stringMatching(MESSAGE) })));
  });

  it("the same state without the probes is valid (so the refusal above is the probes' doing)", () => {
    expect(feedRequestSchema.safeParse(toFeedRequestInput(validWizardState())).success).toBe(true);
  });

  it("the renderers refuse them rather than write a second line", () => {
    for (const spec of PIP_PROBES) {
      expect(() => renderRequirementsTxt({ baseImage, conda: [], pip: [spec] })).toThrow();
      expect(() => renderDockerfile({ baseImage, conda: [], pip: [spec] }, feed)).toThrow();
    }
  });
});

describe("the conda twins", () => {
  it.each(CONDA_PROBES)("condaSpecSchema refuses %j, naming the problem", (spec) => {
    const r = condaSpecSchema.safeParse(spec);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(MESSAGE);
  });

  it("the feed request schema refuses each at its own field (environments.0.conda.<n>)", () => {
    const state = validWizardState();
    const env = state.environments[0];
    if (!env) throw new Error("fixture has an environment");
    env.conda = CONDA_PROBES.join("\n");
    const r = feedRequestSchema.safeParse(toFeedRequestInput(state));
    const issues = (r.error?.issues ?? []).map((i) => ({ path: pathKey(i.path), message: i.message }));
    expect(issues).toEqual(CONDA_PROBES.map((_, n) => ({ path: `environments.0.conda.${n}`, message: expect.stringMatching(MESSAGE) })));
  });

  it("the renderers refuse them", () => {
    for (const spec of CONDA_PROBES) {
      expect(() => renderCondaYml({ baseImage, conda: [spec], pip: [] }, feed)).toThrow();
      expect(() => renderDockerfile({ baseImage, conda: [spec], pip: [] }, feed)).toThrow();
    }
  });
});
