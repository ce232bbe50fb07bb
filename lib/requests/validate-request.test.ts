/**
 * Server-side validation of every free-text field of the wizard against line terminators and
 * control characters, through validateRequestState (what POST /api/v1/requests and submit run).
 */
import { describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { actingUser, validState } from "@/testing/request-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";
import { pathKey, wizardStateSchema, type WizardState } from "@/lib/validation/request-wizard";
import { saveDraft } from "./save-draft";
import { submitRequest } from "./submit-request";
import { validateRequestState } from "./validate-request";
import { RequestValidationError } from "./request-validation-error";

const MESSAGE = /contains a line break or control character/;

/** U+0000–U+001F, U+007F–U+009F (DEL and C1, NEL among them), U+2028, U+2029. */
const FORBIDDEN = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x9f - 0x7f + 1 }, (_, i) => 0x7f + i),
  0x2028,
  0x2029,
].map((cp) => String.fromCodePoint(cp));

type Field = {
  /** Path of the issue, as the wizard shows it (RequestIssue.path). */
  path: string;
  get: (s: WizardState) => string;
  set: (s: WizardState, v: string) => void;
  /** A textarea: its own line break (LF) splits entries before validation, so LF is not refused. */
  isMultiLine?: boolean;
  /** A select whose messages validate-request rewords ("pick a region"): any issue at the path counts. */
  isChoice?: boolean;
};

const proposal = (s: WizardState) => must(s.proposedUpstreams[0]);
const env = (s: WizardState) => must(s.environments[0]);

/** Fields of a state with a new workspace, an existing host, a proposal and an environment. */
const NEW_WORKSPACE_FIELDS: Field[] = [
  { path: "teamId", get: (s) => s.teamId, set: (s, v) => void (s.teamId = v), isChoice: true },
  { path: "title", get: (s) => s.title, set: (s, v) => void (s.title = v) },
  { path: "workspace.region", get: (s) => s.workspace.region, set: (s, v) => void (s.workspace.region = v), isChoice: true },
  { path: "workspace.namePrefix", get: (s) => s.workspace.namePrefix, set: (s, v) => void (s.workspace.namePrefix = v) },
  { path: "workspace.addressSpace", get: (s) => s.workspace.addressSpace, set: (s, v) => void (s.workspace.addressSpace = v) },
  { path: "feedHost.hostId", get: (s) => s.feedHost.hostId, set: (s, v) => void (s.feedHost.hostId = v), isChoice: true },
  { path: "upstreamIds.0", get: (s) => must(s.upstreamIds[0]), set: (s, v) => void (s.upstreamIds[0] = v), isChoice: true },
  { path: "proposedUpstreams.0.name", get: (s) => proposal(s).name, set: (s, v) => void (proposal(s).name = v) },
  { path: "proposedUpstreams.0.url", get: (s) => proposal(s).url, set: (s, v) => void (proposal(s).url = v) },
  { path: "proposedUpstreams.0.justification", get: (s) => proposal(s).justification, set: (s, v) => void (proposal(s).justification = v), isMultiLine: true },
  { path: "proposedUpstreams.0.allowList", get: (s) => proposal(s).allowList, set: (s, v) => void (proposal(s).allowList = v), isMultiLine: true },
  { path: "environments.0.name", get: (s) => env(s).name, set: (s, v) => void (env(s).name = v) },
  { path: "environments.0.baseImage", get: (s) => env(s).baseImage, set: (s, v) => void (env(s).baseImage = v), isChoice: true },
  { path: "environments.0.conda", get: (s) => env(s).conda, set: (s, v) => void (env(s).conda = v), isMultiLine: true },
  { path: "environments.0.pip", get: (s) => env(s).pip, set: (s, v) => void (env(s).pip = v), isMultiLine: true },
];

/** Fields that only exist with a registered workspace and an Azure Artifacts host. */
const EXISTING_WORKSPACE_FIELDS: Field[] = [
  { path: "workspace.workspaceId", get: (s) => s.workspace.workspaceId, set: (s, v) => void (s.workspace.workspaceId = v), isChoice: true },
  { path: "feedHost.organization", get: (s) => s.feedHost.organization, set: (s, v) => void (s.feedHost.organization = v) },
  { path: "feedHost.project", get: (s) => s.feedHost.project, set: (s, v) => void (s.feedHost.project = v) },
];

for (const provider of testProviders()) {
  describe(`line terminators and control characters in wizard fields (${provider})`, () => {
    const t = useTestDatabase(provider);
    let ready: Promise<{ alice: ActingUser; newWorkspace: WizardState; existingWorkspace: WizardState }> | undefined;

    function setup() {
      ready ??= (async () => {
        await seedDemoData(t.db);
        const alice = await actingUser(t.db, "Alice Chen");
        const base = await validState(t.db);
        const newWorkspace = structuredClone(base);
        proposal(newWorkspace).allowList = "tinyml, tinylog\ntinyhttp";
        env(newWorkspace).pip = "tinyml==0.3.0\ntinylog>=0.1";
        const team = must(alice.teamIds[0]);
        const ws = await t.db.workspace.create({
          data: { teamId: team, armId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ctl${Date.now()}`, name: "ctl-ws", subscriptionId: "s", resourceGroup: "rg", region: "eastus", network: { addressSpace: ["10.250.0.0/16"] } },
        });
        const existingWorkspace = wizardStateSchema.parse({
          ...structuredClone(base),
          workspace: { mode: "existing", workspaceId: ws.id, region: "", namePrefix: "", addressSpace: "" },
          feedHost: { mode: "artifacts", hostId: "", organization: "contoso", project: "ml-platform" },
          environments: [{ ...env(base), conda: "" }],
        });
        return { alice, newWorkspace, existingWorkspace };
      })();
      return ready;
    }

    it("the base states are valid, so every issue below comes from the inserted character", async () => {
      const { alice, newWorkspace, existingWorkspace } = await setup();
      expect((await validateRequestState(t.db, alice, newWorkspace)).issues).toEqual([]);
      expect((await validateRequestState(t.db, alice, existingWorkspace)).issues).toEqual([]);
    });

    it("POST /api/v1/requests's probe (CR, U+2028, VT before pip options) saves a draft that reports each line, and submit refuses it", async () => {
      const { alice, newWorkspace } = await setup();
      const state = structuredClone(newWorkspace);
      env(state).pip = "tinyml>=\r--pre\ntinyhttp>=\u2028-rextra.txt\ntinylog>=\v--no-index";
      const draft = await saveDraft(t.db, alice, { state }, "corr-probe");
      expect(draft.issues.map((i) => i.path)).toEqual(["environments.0.pip.0", "environments.0.pip.1", "environments.0.pip.2"]);
      for (const issue of draft.issues) expect(issue).toMatchObject({ step: 3, message: expect.stringMatching(MESSAGE) });
      await expect(submitRequest(t.db, alice, { requestId: draft.id }, "corr-probe")).rejects.toBeInstanceOf(RequestValidationError);
      expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("DRAFT");
      expect(await t.db.auditEvent.count({ where: { targetId: draft.id, action: "request.submitted" } })).toBe(0);
    });

    const cases: [string, Field, "newWorkspace" | "existingWorkspace"][] = [
      ...NEW_WORKSPACE_FIELDS.map((f) => [f.path, f, "newWorkspace"] as [string, Field, "newWorkspace"]),
      ...EXISTING_WORKSPACE_FIELDS.map((f) => [f.path, f, "existingWorkspace"] as [string, Field, "existingWorkspace"]),
    ];

    it.each(cases)("%s: every control and separator code point, at the start, middle and end, is refused at that field", async (_, field, which) => {
      const states = await setup();
      const base = states[which];
      const original = field.get(base);
      const escapes: string[] = [];
      for (const ch of FORBIDDEN) {
        if (field.isMultiLine && ch === "\n") continue;
        for (const at of [0, Math.floor(original.length / 2), original.length]) {
          // CR just before a textarea's LF makes CRLF, which is that textarea's own line break too.
          if (field.isMultiLine && ch === "\r" && original[at] === "\n") continue;
          const state = structuredClone(base);
          field.set(state, original.slice(0, at) + ch + original.slice(at));
          const escape = await escapeAt(t.db, field, state, states.alice);
          if (escape !== null) escapes.push(`U+${ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0")} at ${at}: ${escape}`);
        }
      }
      expect(escapes).toEqual([]);
    });
  });
}

/**
 * Null when the state is refused at the field, as POST /api/v1/requests and the wizard's save
 * check it: the draft schema first (it refuses only NUL, which PostgreSQL cannot store), then
 * validateRequestState, which submit runs too. Otherwise, what came back instead.
 */
async function escapeAt(db: PrismaClient, field: Field, state: WizardState, actor: ActingUser): Promise<string | null> {
  const draft = wizardStateSchema.safeParse(state);
  if (!draft.success) {
    const isRefused = draft.error.issues.some((i) => pathKey(i.path) === field.path && MESSAGE.test(i.message));
    return isRefused ? null : `draft schema: ${JSON.stringify(draft.error.issues)}`;
  }
  const { issues, payload } = await validateRequestState(db, actor, draft.data);
  const here = issues.filter((i) => i.path === field.path || i.path.startsWith(`${field.path}.`));
  const isRefused = payload === null && here.length > 0 && (field.isChoice === true || here.some((i) => MESSAGE.test(i.message)));
  return isRefused ? null : JSON.stringify(issues);
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("fixture is missing a value");
  return value;
}
