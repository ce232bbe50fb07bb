/**
 * The wizard's working state: what a person has typed so far, saved on the server as a draft.
 * It is deliberately loose (bounded strings, no grammar) because a draft may be half done;
 * toFeedRequestInput turns it into the input of feedRequestSchema, which decides at every
 * step and again at submit. Pure and free of Node built-ins, so the browser shares it.
 */
import { z } from "zod";
import { condaSpecSchema, entryOfLine, lineError, pipRequirementSchema } from "./package-specs";
import { SINGLE_LINE_MESSAGE } from "./single-line-text";
import { WIZARD_STEPS } from "./wizard-steps";

/**
 * Drafts keep what was typed, control characters included, so the checks can name them at
 * their fields; all but NUL, which PostgreSQL can store neither in text nor in jsonb (the
 * save, and any lookup by the value, would fail with a database error instead).
 */
const draftString = (max: number) => z.string().max(max).refine((v) => !v.includes("\u0000"), SINGLE_LINE_MESSAGE);
const text = (max: number) => draftString(max).default("");


const proposalStateSchema = z.object({
  name: text(100),
  kind: z.enum(["pypi", "conda"]).default("pypi"),
  url: text(400),
  justification: text(1200),
  /** One package name per line (or comma separated); empty means every package. */
  allowList: text(20_000),
});

const environmentStateSchema = z.object({
  name: text(100),
  baseImage: text(200),
  /** One conda match spec per line. */
  conda: text(20_000),
  /** requirements.txt text: one PEP 508 requirement per line, comments allowed. */
  pip: text(40_000),
});

export const wizardStateSchema = z.object({
  step: z.number().int().min(0).max(WIZARD_STEPS.length - 1).default(0),
  teamId: text(40),
  title: text(200),
  workspace: z
    .object({
      mode: z.enum(["existing", "new"]).default("new"),
      workspaceId: text(40),
      region: text(40),
      namePrefix: text(40),
      addressSpace: text(40),
    })
    .default({ mode: "new", workspaceId: "", region: "", namePrefix: "", addressSpace: "" }),
  feedHost: z
    .object({
      mode: z.enum(["existing", "new-nexus-vm", "artifacts"]).default("existing"),
      hostId: text(40),
      organization: text(100),
      project: text(100),
    })
    .default({ mode: "existing", hostId: "", organization: "", project: "" }),
  upstreamIds: z.array(draftString(40)).max(50).default([]),
  proposedUpstreams: z.array(proposalStateSchema).max(10).default([]),
  environments: z.array(environmentStateSchema).max(10).default([]),
});

export type WizardState = z.output<typeof wizardStateSchema>;
export type ProposalState = WizardState["proposedUpstreams"][number];
export type EnvironmentState = WizardState["environments"][number];

export function emptyWizardState(teamId = ""): WizardState {
  return wizardStateSchema.parse({ teamId });
}

/**
 * The feedRequestSchema input for a wizard state. Pasted requirements text keeps its
 * invalid lines (they are passed on as is), so the schema names each bad line exactly.
 * A textarea's own line breaks (LF, or CRLF from an API client) end its entries here; any
 * other terminator or control character stays in its entry, for the schema to refuse.
 */
export function toFeedRequestInput(state: WizardState) {
  const ws = state.workspace;
  const host = state.feedHost;
  return {
    teamId: state.teamId,
    title: state.title,
    workspace: ws.mode === "existing" ? { mode: "existing", workspaceId: ws.workspaceId } : { mode: "new", region: ws.region, namePrefix: ws.namePrefix, addressSpace: ws.addressSpace },
    feedHost:
      host.mode === "existing"
        ? { mode: "existing", hostId: host.hostId }
        : host.mode === "artifacts"
          ? { mode: "artifacts", organization: host.organization, project: host.project }
          : { mode: "new-nexus-vm" },
    upstreamIds: state.upstreamIds,
    proposedUpstreams: state.proposedUpstreams.map((p) => {
      const allowList = splitList(p.allowList);
      return { name: p.name, kind: p.kind, url: p.url, justification: oneParagraph(p.justification), ...(allowList.length ? { allowList } : {}) };
    }),
    environments: state.environments.map((e) => ({ name: e.name, baseImage: e.baseImage, conda: specLines(e.conda), pip: requirementLines(e.pip) })),
  };
}

/** Which step shows an issue at this path of the feedRequestSchema input. */
export function stepOfPath(path: readonly PropertyKey[]): number {
  const head = String(path[0] ?? "");
  if (head === "teamId" || head === "title" || head === "workspace") return 0;
  if (head === "feedHost") return 1;
  if (head === "upstreamIds" || head === "proposedUpstreams") return 2;
  if (head === "environments") return 3;
  return 4;
}

export function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** Conda specs: one per line; blank lines and `#` comments are skipped. */
export function specLines(value: string): string[] {
  return numberedEntries(value).map((e) => e.entry);
}

/** requirements.txt lines: comments and blanks skipped; invalid lines are kept for the schema to name. */
export function requirementLines(value: string): string[] {
  return specLines(value);
}

/** Lines of the pip textarea that submit would refuse, with line numbers: the wizard's inline check. */
export function requirementErrors(value: string): string[] {
  return numberedEntries(value).flatMap(({ entry, lineNumber }) => {
    const r = pipRequirementSchema.safeParse(entry);
    return r.success ? [] : [lineError(lineNumber, entry, r.error.issues[0]?.message)];
  });
}

/** Lines of the conda textarea that submit would refuse, with line numbers. */
export function condaSpecErrors(value: string): string[] {
  return numberedEntries(value).flatMap(({ entry, lineNumber }) => {
    const r = condaSpecSchema.safeParse(entry);
    return r.success ? [] : [lineError(lineNumber, entry, r.error.issues[0]?.message)];
  });
}

/** The textarea's lines, each with the entry it holds (see entryOfLine) and its 1-based number. */
function numberedEntries(value: string): { entry: string; lineNumber: number }[] {
  return value.split(TEXTAREA_LINE_BREAK).flatMap((raw, i) => {
    const entry = entryOfLine(raw);
    return entry === null ? [] : [{ entry, lineNumber: i + 1 }];
  });
}

/** Allow-list names: separated by line breaks, spaces or commas, nothing else (a tab stays, and is refused). */
function splitList(value: string): string[] {
  return value.split(/(?:\r?\n|[ ,])+/).filter(Boolean);
}

/** A justification is prose: its textarea's line breaks become spaces, so it is stored as one line. */
function oneParagraph(value: string): string {
  return value.split(TEXTAREA_LINE_BREAK).join(" ");
}

/** What a textarea itself puts between lines: LF (browsers), or CRLF (files sent by API clients). */
const TEXTAREA_LINE_BREAK = /\r?\n/;
