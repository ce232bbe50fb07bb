import { describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { PROVISION_REQUEST_KIND } from "@/lib/workflows/provision-request/schema";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { wizardStateSchema, type WizardState } from "@/lib/validation/request-wizard";
import { actingUser, validState } from "@/testing/request-fixtures";
import { seedDemoData } from "@/prisma/seed";
import { cancelRequest } from "./cancel-request";
import { getRequest } from "./get-request";
import { deriveStages, getRequestTimeline } from "./get-request-timeline";
import { listRequests } from "./list-requests";
import { RequestValidationError } from "./request-validation-error";
import { retryRequest } from "./retry-request";
import { saveDraft } from "./save-draft";
import { requestJobSubject } from "@/lib/workflows/provision-request/start";
import { submitRequest } from "./submit-request";

const CORR = "corr-test-1";
for (const provider of testProviders()) {
  describe(`request lifecycle on ${provider}`, () => {
    const t = useTestDatabase(provider);
    let seeded = false;
    async function setup() {
      if (!seeded) await seedDemoData(t.db);
      seeded = true;
      return { alice: await actingUser(t.db, "Alice Chen"), bilal: await actingUser(t.db, "Bilal Okafor"), carmen: await actingUser(t.db, "Carmen Diaz"), dmitri: await actingUser(t.db, "Dmitri Ivanov") };
    }

    async function counts() {
      const [requests, upstreams, audits, submitted] = await Promise.all([
        t.db.feedRequest.count(),
        t.db.upstreamSource.count(),
        t.db.auditEvent.count(),
        t.db.feedRequest.count({ where: { status: { not: "DRAFT" } } }),
      ]);
      return { requests, upstreams, audits, submitted };
    }

    it("saves a draft, resumes it with the same state, and only its author can change it", async () => {
      const { alice, bilal } = await setup();
      const state = { ...(await validState(t.db)), step: 2, title: "Half done" };
      const first = await saveDraft(t.db, alice, { state }, CORR);
      const stored = await t.db.feedRequest.findUniqueOrThrow({ where: { id: first.id } });
      expect(stored.status).toBe("DRAFT");
      expect(stored.submittedByOid).toBe(alice.oid);
      expect(wizardStateSchema.parse(stored.payload)).toEqual(state);

      const again = await saveDraft(t.db, alice, { requestId: first.id, state: { ...state, title: "Still half done" } }, CORR);
      expect(again.id).toBe(first.id);
      expect((await getRequest(t.db, alice, first.id)).title).toBe("Still half done");
      expect(await t.db.auditEvent.count({ where: { action: "request.draft_saved", targetId: first.id } })).toBe(1);

      // Bilal cannot see, save over or submit Alice's draft; nothing changes.
      const before = await t.db.feedRequest.findUniqueOrThrow({ where: { id: first.id } });
      await expect(saveDraft(t.db, bilal, { requestId: first.id, state: { ...state, teamId: bilal.teamIds[0] ?? "" } }, CORR)).rejects.toMatchObject({ status: 404 });
      await expect(getRequest(t.db, bilal, first.id)).rejects.toMatchObject({ status: 404 });
      await expect(submitRequest(t.db, bilal, { requestId: first.id }, CORR)).rejects.toMatchObject({ status: 404 });
      expect(await t.db.feedRequest.findUniqueOrThrow({ where: { id: first.id } })).toEqual(before);
    });

    it("a half-done draft is saved as typed and reports what submit would refuse, step by step", async () => {
      const { alice } = await setup();
      const state = wizardStateSchema.parse({ teamId: alice.teamIds[0], title: "x" });
      const saved = await saveDraft(t.db, alice, { state }, CORR);
      expect(saved.issues.find((i) => i.path === "title")).toMatchObject({ step: 0, message: "needs at least 3 characters" });
      expect(saved.issues.some((i) => i.path === "workspace.region" && i.step === 0)).toBe(true);
      expect(saved.issues.some((i) => i.path === "upstreamIds" && i.step === 2)).toBe(true);
      await expect(submitRequest(t.db, alice, { requestId: saved.id }, CORR)).rejects.toBeInstanceOf(RequestValidationError);
      expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: saved.id } })).status).toBe("DRAFT");
    });

    it("submits once: proposals become proposed upstreams, both audited; a second and a racing submit are refused", async () => {
      const { alice } = await setup();
      const state = await validState(t.db);
      const draft = await saveDraft(t.db, alice, { state, preview: true }, CORR);
      expect(draft.issues).toEqual([]);
      expect(draft.preview?.repositories.map((r) => r.name)).toEqual(["vision-pypi-org-pypi", `vision-${state.proposedUpstreams[0]?.name}-pypi`]);
      // pip asks the team's PyPI group, never a proxy, and never an extra index.
      expect(draft.preview?.pipConf).toContain("/repository/vision-pypi-group/simple/");
      expect(draft.preview?.pipConf).not.toContain("extra-index-url");
      expect(draft.preview?.dockerfiles[0]?.dockerfile).toContain("FROM mcr.microsoft.com/azureml/");
      expect(JSON.parse(draft.preview?.armDeployments[0]?.parameters ?? "{}")).toMatchObject({ prefix: "vis", location: "eastus", trainingSubnetPrefix: expect.stringMatching(/\/24$/) });

      const results = await Promise.allSettled([submitRequest(t.db, alice, { requestId: draft.id }, CORR), submitRequest(t.db, alice, { requestId: draft.id }, CORR)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { status: 409 } });
      await expect(submitRequest(t.db, alice, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 409 });

      const stored = await t.db.feedRequest.findUniqueOrThrow({ where: { id: draft.id } });
      expect(stored.status).toBe("SUBMITTED");
      expect((stored.payload as { environments: { pip: string[] }[] }).environments[0]?.pip).toEqual(["tinyml==0.3.0", "tinylog"]);
      const proposal = await t.db.upstreamSource.findUniqueOrThrow({ where: { name: state.proposedUpstreams[0]?.name } });
      expect(proposal).toMatchObject({ status: "proposed", proposedByOid: alice.oid, justification: "Wheels our CI builds for the vision team" });
      expect(await t.db.auditEvent.count({ where: { action: "request.submitted", targetId: draft.id } })).toBe(1);
      expect(await t.db.auditEvent.count({ where: { action: "upstream.proposed", targetId: proposal.id } })).toBe(1);
      // A submitted request is no longer a draft anyone can save over.
      await expect(saveDraft(t.db, alice, { requestId: draft.id, state }, CORR)).rejects.toMatchObject({ status: 409 });
    });

    const malicious: [string, (s: WizardState) => WizardState, RegExp][] = [
      ["a pip spec with a shell pipe", (s) => ({ ...s, environments: [{ ...s.environments[0]!, pip: "numpy; curl x | sh" }] }), /pip requirement 1: `numpy; curl x \| sh` is not a PEP 508 requirement/],
      ["a conda spec with a channel override", (s) => ({ ...s, environments: [{ ...s.environments[0]!, conda: "evil::numpy" }] }), /conda package 1: `evil::numpy` is not a conda match spec/],
      ["a file: upstream URL", (s) => ({ ...s, proposedUpstreams: [{ ...s.proposedUpstreams[0]!, url: "file:///etc/passwd" }] }), /URL: must use https:\/\//],
      ["the cloud metadata address", (s) => ({ ...s, proposedUpstreams: [{ ...s.proposedUpstreams[0]!, url: "http://169.254.169.254/" }] }), /URL: must use https:\/\//],
      ["the metadata address over https", (s) => ({ ...s, proposedUpstreams: [{ ...s.proposedUpstreams[0]!, url: "https://169.254.169.254/latest/" }] }), /must use a DNS name, not an IP address/],
      ["a repository name with ../", (s) => ({ ...s, proposedUpstreams: [{ ...s.proposedUpstreams[0]!, name: "../../etc" }] }), /Proposed upstream 1, name: must be 2–41 lower-case/],
      ["an environment name with a newline", (s) => ({ ...s, environments: [{ ...s.environments[0]!, name: "train\nRUN curl x | sh" }] }), /Environment 1, name: contains a line break or control character/],
      ["an environment name with ../", (s) => ({ ...s, environments: [{ ...s.environments[0]!, name: "../etc" }] }), /Environment 1, name:/],
      ["a base image off the allow-list", (s) => ({ ...s, environments: [{ ...s.environments[0]!, baseImage: "evil.example/image:latest" }] }), /base image: pick a base image from the list/],
    ];
    for (const [label, mutate, message] of malicious) {
      it(`refuses ${label} with a clear error and creates nothing`, async () => {
        const { alice } = await setup();
        const draft = await saveDraft(t.db, alice, { state: mutate(await validState(t.db)) }, CORR);
        expect(draft.issues.length).toBeGreaterThan(0);
        const before = await counts();
        const error = await submitRequest(t.db, alice, { requestId: draft.id }, CORR).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RequestValidationError);
        expect((error as RequestValidationError).status).toBe(400);
        expect((error as RequestValidationError).message).toMatch(message);
        expect(await counts()).toEqual(before);
        expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("DRAFT");
      });
    }

    it("refuses an address space that overlaps a registered workspace, or is too small to plan", async () => {
      const { alice, bilal } = await setup();
      await t.db.workspace.create({
        data: { teamId: bilal.teamIds[0] ?? "", armId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/nlp-${Date.now()}`, name: "nlp-ws", subscriptionId: "s", resourceGroup: "rg", region: "eastus", network: { addressSpace: ["10.42.0.0/16"] } },
      });
      const overlapping = await saveDraft(t.db, alice, { state: await validState(t.db, { workspace: { mode: "new", workspaceId: "", region: "eastus", namePrefix: "vis", addressSpace: "10.42.128.0/20" } }) }, CORR);
      const issue = overlapping.issues.find((i) => i.path === "workspace.addressSpace");
      expect(issue?.message).toBe("overlaps 10.42.0.0/16, used by another team's workspace; pick a range no registered workspace uses");
      const tiny = await saveDraft(t.db, alice, { state: await validState(t.db, { workspace: { mode: "new", workspaceId: "", region: "eastus", namePrefix: "vis", addressSpace: "10.77.0.0/24" } }) }, CORR);
      expect(tiny.issues.find((i) => i.path === "workspace.addressSpace")?.message).toMatch(/too small/);
    });

    it("roles: an Approver can neither draft, submit nor list requests, and nothing is written", async () => {
      const { alice, carmen } = await setup();
      const before = await counts();
      await expect(saveDraft(t.db, carmen, { state: await validState(t.db) }, CORR)).rejects.toMatchObject({ status: 403 });
      await expect(listRequests(t.db, carmen)).rejects.toMatchObject({ status: 403 });
      const draft = await saveDraft(t.db, alice, { state: await validState(t.db) }, CORR);
      const afterDraft = await counts();
      await expect(submitRequest(t.db, carmen, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 403 });
      await expect(cancelRequest(t.db, carmen, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 403 });
      expect(afterDraft.requests).toBe(before.requests + 1);
      expect(await counts()).toEqual(afterDraft);
    });

    it("lists a team's submitted requests to its members, but drafts only to their author and nothing to other teams", async () => {
      const { alice, bilal, dmitri } = await setup();
      const draft = await saveDraft(t.db, alice, { state: await validState(t.db) }, CORR);
      expect((await listRequests(t.db, alice)).some((r) => r.id === draft.id && r.isMine)).toBe(true);
      expect((await listRequests(t.db, bilal)).some((r) => r.id === draft.id)).toBe(false);
      expect((await listRequests(t.db, dmitri)).some((r) => r.id === draft.id)).toBe(false);
      await submitRequest(t.db, alice, { requestId: draft.id }, CORR);
      expect((await listRequests(t.db, dmitri)).some((r) => r.id === draft.id)).toBe(true);
      expect((await listRequests(t.db, bilal)).some((r) => r.id === draft.id)).toBe(false);
    });

    it("cancels a submitted request and its active job; another team cannot, and a second cancel is a conflict", async () => {
      const { alice, bilal } = await setup();
      const draft = await saveDraft(t.db, alice, { state: await validState(t.db) }, CORR);
      await submitRequest(t.db, alice, { requestId: draft.id }, CORR);
      await t.db.feedRequest.update({ where: { id: draft.id }, data: { status: "PROVISIONING" } });
      const job = await enqueueJob(t.db, { kind: PROVISION_REQUEST_KIND, subject: requestJobSubject(draft.id), payload: { requestId: draft.id, upstreamIds: ["x"] } });

      await expect(cancelRequest(t.db, bilal, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 404 });
      expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("PROVISIONING");

      const result = await cancelRequest(t.db, alice, { requestId: draft.id }, CORR);
      expect(result.status).toBe("CANCELLED");
      expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("CANCELLED");
      expect(await t.db.auditEvent.count({ where: { action: "request.cancelled", targetId: draft.id } })).toBe(1);
      await expect(cancelRequest(t.db, alice, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 409 });
      const timeline = await getRequestTimeline(t.db, alice, draft.id);
      expect(timeline.isSettled).toBe(true);
    });

    it("retries a failed request from the failed step; refuses one that is not failed or never started", async () => {
      const { alice, bilal } = await setup();
      const draft = await saveDraft(t.db, alice, { state: await validState(t.db) }, CORR);
      await submitRequest(t.db, alice, { requestId: draft.id }, CORR);
      await expect(retryRequest(t.db, alice, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 409 });
      await t.db.feedRequest.update({ where: { id: draft.id }, data: { status: "FAILED", statusReason: "preflight: the feed did not answer" } });
      await expect(retryRequest(t.db, alice, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/never started/) });

      const job = await enqueueJob(t.db, { kind: PROVISION_REQUEST_KIND, subject: requestJobSubject(draft.id), payload: { requestId: draft.id, upstreamIds: ["x"] } });
      await t.db.job.update({
        where: { id: job.id },
        data: { status: "FAILED", activeSubject: null, currentStep: "preflight", finishedAt: new Date(), checkpoints: { infrastructure: { done: true }, "feed-registration": { done: true } } },
      });
      const failed = await getRequestTimeline(t.db, alice, draft.id);
      expect(failed.stages.map((s) => s.state)).toEqual(["succeeded", "succeeded", "failed", "pending"]);
      expect(failed.stages[2]?.next).toMatch(/Retry/);

      await expect(retryRequest(t.db, bilal, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 404 });
      const result = await retryRequest(t.db, alice, { requestId: draft.id }, CORR);
      expect(result).toMatchObject({ status: "PROVISIONING", fromStep: "preflight" });
      expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("QUEUED");
      const stored = await t.db.feedRequest.findUniqueOrThrow({ where: { id: draft.id } });
      expect(stored).toMatchObject({ status: "PROVISIONING", statusReason: null });
      expect(await t.db.auditEvent.count({ where: { action: "request.retried", targetId: draft.id } })).toBe(1);
      await expect(retryRequest(t.db, alice, { requestId: draft.id }, CORR)).rejects.toMatchObject({ status: 409 });
    });
  });
}

describe("deriveStages", () => {
  it("marks checkpointed steps done and gives the current step the job's state", () => {
    expect(deriveStages(null).map((s) => s.state)).toEqual(["pending", "pending", "pending", "pending"]);
    const running = deriveStages({ status: "WAITING", currentStep: "infrastructure", checkpoints: {} });
    expect(running[0]?.state).toBe("running");
    const cancelled = deriveStages({ status: "CANCELLED", currentStep: "feed-registration", checkpoints: { infrastructure: { done: true } } });
    expect(cancelled.map((s) => s.state)).toEqual(["succeeded", "cancelled", "pending", "pending"]);
  });
});
