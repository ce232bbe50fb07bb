/**
 * Workspace discovery and registration against the sandbox ARM, through the real
 * @azure/arm-machinelearning and @azure/arm-resources SDKs, on both databases. The sandbox holds
 * three workspaces that "existed before Feedgate" (isolated, public, no image-build compute).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { SANDBOX_SUBSCRIPTION_ID, type Cloud } from "@/lib/cloud/cloud";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { AppError, FieldError } from "@/lib/errors";
import { discoverWorkspacesInputSchema, registerWorkspaceInputSchema } from "@/lib/validation/admin-workspaces";
import { sandboxToken, startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { discoverWorkspaces, listRegisteredWorkspaces, registerWorkspace } from "./admin-workspaces";

const admin: ActingUser = { id: "a", oid: "admin-oid", name: "Admin", email: "", roles: ["Feedgate.Admin"], teamIds: [] };
const approver: ActingUser = { id: "c", oid: "c", name: "Approver", email: "", roles: ["Feedgate.Approver", "Feedgate.Requester"], teamIds: [] };
const GROUP = "rg-ml-existing";
const wsId = (name: string, sub = SANDBOX_SUBSCRIPTION_ID) => `/subscriptions/${sub}/resourceGroups/${GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;

describe("workspace discovery against the sandbox", () => {
  let sandbox: TestSandbox;
  let cloud: Cloud;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ seedWorkspaces: true });
    cloud = loadSandboxCloud(sandbox.endpoints);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  /** DELETE or PUT a workspace on the sandbox ARM, as the Azure portal would. */
  async function armCall(method: "DELETE" | "PUT", name: string, body?: unknown) {
    const token = await sandboxToken(sandbox);
    const res = await fetch(`${sandbox.endpoints.arm}${wsId(name)}?api-version=2022-10-01`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(res.status).toBeLessThan(300);
    return res.json().catch(() => ({}));
  }

  for (const provider of testProviders()) {
    describe(provider, () => {
      const t = useTestDatabase(provider);
      let teamId = "";

      beforeAll(async () => {
        teamId = (await t.db.team.create({ data: { slug: `ws-${provider}`, name: `Workspaces ${provider}` } })).id;
      });

      it("lists the subscription's workspaces with their network posture and what would break a private build", async () => {
        const found = await discoverWorkspaces(t.db, cloud, admin, discoverWorkspacesInputSchema.parse({}), "c1");
        expect(found.subscriptionId).toBe(SANDBOX_SUBSCRIPTION_ID);
        const byName = Object.fromEntries(found.workspaces.map((w) => [w.name, w]));
        expect(byName["mlw-vision-isolated"]).toMatchObject({
          resourceGroup: GROUP,
          publicNetworkAccess: "Disabled",
          imageBuildCompute: "cluster001",
          privateEndpoints: [{ status: "Approved" }],
          assessment: { isolated: true, warnings: [] },
          registration: null,
        });
        expect(byName["mlw-sandbox-public"]?.assessment).toMatchObject({ isolated: false, warnings: expect.arrayContaining([expect.stringMatching(/^Public network access is enabled/), expect.stringMatching(/no private endpoint/)]) });
        expect(byName["mlw-nlp-nocompute"]?.assessment).toMatchObject({ isolated: true, warnings: [expect.stringMatching(/--image-build-compute/)] });
      });

      it("lists one resource group, and says so when it does not exist", async () => {
        const found = await discoverWorkspaces(t.db, cloud, admin, discoverWorkspacesInputSchema.parse({ resourceGroup: GROUP }), "c2");
        expect(found.workspaces.map((w) => w.name).sort()).toEqual(["mlw-nlp-nocompute", "mlw-sandbox-public", "mlw-vision-isolated"]);
        const missing = await discoverWorkspaces(t.db, cloud, admin, { resourceGroup: "rg-does-not-exist" }, "c3").catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(FieldError);
        expect((missing as FieldError).fields).toEqual({ resourceGroup: `resource group rg-does-not-exist does not exist in subscription ${SANDBOX_SUBSCRIPTION_ID}` });
        expect(discoverWorkspacesInputSchema.safeParse({ resourceGroup: "rg/../../x" }).success).toBe(false);
        expect(discoverWorkspacesInputSchema.safeParse({ resourceGroup: "rg\nx" }).success).toBe(false);
      });

      it("registers a workspace to a team with its network, audited, and only once", async () => {
        const armId = wsId("mlw-vision-isolated");
        const registered = await registerWorkspace(t.db, cloud, admin, registerWorkspaceInputSchema.parse({ armId, teamId }), "c4");
        expect(registered).toMatchObject({ name: "mlw-vision-isolated", teamId, status: "REGISTERED", warnings: [] });
        const row = await t.db.workspace.findUniqueOrThrow({ where: { id: registered.id } });
        expect(row).toMatchObject({ resourceGroup: GROUP, subscriptionId: SANDBOX_SUBSCRIPTION_ID, publicNetworkAccess: "Disabled", imageBuildCompute: "cluster001" });
        expect(row.network).toMatchObject({ addressSpace: ["10.42.0.0/24"] });
        expect(await t.db.auditEvent.findFirstOrThrow({ where: { action: "workspace.registered", targetId: registered.id } })).toMatchObject({ before: null, after: { armId, warnings: [] } });

        const again = await registerWorkspace(t.db, cloud, admin, { armId: armId.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/"), teamId }, "c5").catch((e: unknown) => e);
        expect(again).toMatchObject({ code: "conflict", fields: { armId: `workspace mlw-vision-isolated is already registered to Workspaces ${provider}` } });
        const listed = await discoverWorkspaces(t.db, cloud, admin, { resourceGroup: GROUP }, "c6");
        expect(listed.workspaces.find((w) => w.name === "mlw-vision-isolated")?.registration).toMatchObject({ workspaceId: registered.id, teamName: `Workspaces ${provider}` });
      });

      it("refuses what it cannot register with a field error, and changes nothing", async () => {
        const before = await t.db.workspace.count();
        const cases: [object, Record<string, string>][] = [
          [{ armId: wsId("mlw-sandbox-public", "11111111-1111-4111-8111-111111111111"), teamId }, { armId: `is in subscription 11111111-1111-4111-8111-111111111111, not in the configured subscription ${SANDBOX_SUBSCRIPTION_ID}` }],
          [{ armId: wsId("mlw-not-there"), teamId }, { armId: `workspace mlw-not-there was not found in resource group ${GROUP}` }],
          [{ armId: wsId("mlw-sandbox-public"), teamId: "noSuchTeam" }, { teamId: "pick a team from the list" }],
        ];
        for (const [input, fields] of cases) {
          const error = await registerWorkspace(t.db, cloud, admin, registerWorkspaceInputSchema.parse(input), "c7").catch((e: unknown) => e);
          expect(error).toBeInstanceOf(FieldError);
          expect((error as FieldError).fields).toEqual(fields);
        }
        for (const armId of [`${wsId("x1")}\n`, wsId("mlw-ok").replace("workspaces", "registries"), `${wsId("mlw-ok")}/../../x`, "https://management.azure.com" + wsId("mlw-ok")]) {
          expect(registerWorkspaceInputSchema.safeParse({ armId, teamId }).success, armId).toBe(false);
        }
        const denied = await registerWorkspace(t.db, cloud, approver, { armId: wsId("mlw-sandbox-public"), teamId }, "c8").catch((e: unknown) => e);
        expect(denied).toBeInstanceOf(AppError);
        expect((denied as AppError).status).toBe(403);
        await expect(discoverWorkspaces(t.db, cloud, approver, {}, "c9")).rejects.toMatchObject({ status: 403 });
        expect(await t.db.workspace.count()).toBe(before);
      });

      it("shows a registered workspace removed from Azure as missing, and as registered again once it is back", async () => {
        const registered = await registerWorkspace(t.db, cloud, admin, { armId: wsId("mlw-nlp-nocompute"), teamId }, "c10");
        const snapshot = await (await fetch(`${sandbox.endpoints.arm}${wsId("mlw-nlp-nocompute")}?api-version=2022-10-01`, { headers: { authorization: `Bearer ${await sandboxToken(sandbox)}` } })).json();
        await armCall("DELETE", "mlw-nlp-nocompute");
        const gone = await discoverWorkspaces(t.db, cloud, admin, {}, "c11");
        expect(gone.missing.map((m) => m.workspaceId)).toContain(registered.id);
        expect(await t.db.workspace.findUniqueOrThrow({ where: { id: registered.id } })).toMatchObject({ status: "MISSING" });
        expect(await t.db.auditEvent.count({ where: { action: "workspace.missing", targetId: registered.id } })).toBe(1);
        // A second listing records nothing new.
        await discoverWorkspaces(t.db, cloud, admin, {}, "c12");
        expect(await t.db.auditEvent.count({ where: { action: "workspace.missing", targetId: registered.id } })).toBe(1);
        expect((await listRegisteredWorkspaces(t.db, admin)).find((w) => w.id === registered.id)).toMatchObject({ status: "MISSING" });

        await armCall("PUT", "mlw-nlp-nocompute", { location: snapshot.location, properties: snapshot.properties, identity: snapshot.identity, sku: snapshot.sku });
        const back = await discoverWorkspaces(t.db, cloud, admin, {}, "c13");
        expect(back.missing.map((m) => m.workspaceId)).not.toContain(registered.id);
        expect(await t.db.workspace.findUniqueOrThrow({ where: { id: registered.id } })).toMatchObject({ status: "REGISTERED" });
        expect(await t.db.auditEvent.count({ where: { action: "workspace.found_again", targetId: registered.id } })).toBe(1);
      });
    });
  }
});
