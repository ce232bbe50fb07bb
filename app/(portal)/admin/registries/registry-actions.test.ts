/**
 * The registry actions as the browser calls them (session cookie, Origin), against a real
 * database: the shared zod schema refuses what it must before anything is stored, roles and team
 * links are checked on the server, and a valid publish records intent and queues one job.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sessionCookieFor, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";
import { loadPublishPanelAction, publishEnvironmentAction, registerRegistryAction, setRegistryTeamsAction } from "@/lib/actions/registries";

const request = vi.hoisted(() => ({ cookie: "", origin: "http://localhost:3999" }));
vi.mock("next/headers", async () => (await import("@/testing/next-request")).nextHeadersFor(request));
vi.mock("next/cache", async () => (await import("@/testing/next-request")).nextCacheStub);

const SUB = "00000000-0000-4000-8000-00000000feed";

for (const provider of testProviders()) {
  describe(`registry actions (${provider})`, () => {
    const h = useAuthHarness(provider);
    const ids = { vision: "", nlp: "", built: "", unbuilt: "", registry: "", foreign: "" };
    let alice = "";
    let dmitri = "";

    beforeAll(async () => {
      const [vision, nlp] = await Promise.all([h.db.team.findUniqueOrThrow({ where: { slug: "vision" } }), h.db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
      const ws = await h.db.workspace.create({ data: { teamId: vision.id, armId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-act`, name: "ws-act", subscriptionId: SUB, resourceGroup: "rg", region: "eastus" } });
      const environment = (name: string) =>
        h.db.environment.create({ data: { teamId: vision.id, workspaceId: ws.id, name, version: "1", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04", packages: { conda: [], pip: [] }, dockerfileHash: "h" } });
      const built = await environment("act-built");
      const unbuilt = await environment("act-unbuilt");
      await h.db.environmentBuild.create({ data: { environmentId: built.id, teamId: vision.id, workspaceId: ws.id, environmentName: built.name, status: "SUCCEEDED" } });
      await h.db.environmentBuild.create({ data: { environmentId: unbuilt.id, teamId: vision.id, workspaceId: ws.id, environmentName: unbuilt.name, status: "FAILED" } });
      const registry = await h.db.amlRegistry.create({ data: { armId: `/subscriptions/${SUB}/resourceGroups/rg-reg/providers/Microsoft.MachineLearningServices/registries/mlreg-act`, name: "mlreg-act", subscriptionId: SUB, resourceGroup: "rg-reg", location: "eastus", teams: { create: [{ teamId: vision.id }] } } });
      const foreign = await h.db.amlRegistry.create({ data: { armId: `/subscriptions/${SUB}/resourceGroups/rg-reg/providers/Microsoft.MachineLearningServices/registries/mlreg-nlp`, name: "mlreg-nlp", subscriptionId: SUB, resourceGroup: "rg-reg", location: "eastus", teams: { create: [{ teamId: nlp.id }] } } });
      Object.assign(ids, { vision: vision.id, nlp: nlp.id, built: built.id, unbuilt: unbuilt.id, registry: registry.id, foreign: foreign.id });
      alice = await sessionCookieFor(h, "Alice Chen");
      dmitri = await sessionCookieFor(h, "Dmitri Ivanov");
    });

    const jobs = () => h.db.job.count({ where: { kind: "publish-environment" } });

    it("refuses malformed publish input with the form's schema, storing nothing", async () => {
      request.cookie = alice;
      const before = await jobs();
      for (const input of [
        { environmentId: ids.built, registryId: "../registries/x" },
        { environmentId: `${ids.built}\n`, registryId: ids.registry },
        { environmentId: ids.built, registryId: ids.registry, destinationName: "train\nRUN curl evil" },
        { environmentId: ids.built, registryId: ids.registry, destinationVersion: "1/../../2" },
        { environmentId: ids.built, registryId: ids.registry, destinationName: "a b" },
      ]) {
        const res = await publishEnvironmentAction(input);
        expect(res?.validationErrors, JSON.stringify(input)).toBeDefined();
        expect(res?.data).toBeUndefined();
      }
      expect(await jobs()).toBe(before);
      expect(await h.db.environmentPublication.count()).toBe(0);
    });

    it("refuses a registry not open to the team and an environment without a successful build", async () => {
      request.cookie = alice;
      const foreign = await publishEnvironmentAction({ environmentId: ids.built, registryId: ids.foreign });
      expect(foreign?.serverError?.fields?.registryId).toMatch(/your team's registries/);
      const unbuilt = await publishEnvironmentAction({ environmentId: ids.unbuilt, registryId: ids.registry });
      expect(unbuilt?.serverError?.fields?.environmentId).toMatch(/no successful image build/);
      expect(await h.db.environmentPublication.count()).toBe(0);
    });

    it("queues one publish job for a valid request, and a second click joins it", async () => {
      request.cookie = alice;
      const before = await jobs();
      const res = await publishEnvironmentAction({ environmentId: ids.built, registryId: ids.registry });
      expect(res?.serverError).toBeUndefined();
      expect(res?.data?.publications).toMatchObject([{ registryName: "mlreg-act", status: "QUEUED", destinationName: "act-built", destinationVersion: "1", assetUri: null }]);
      const again = await publishEnvironmentAction({ environmentId: ids.built, registryId: ids.registry, destinationName: "" });
      expect(again?.data?.publications).toHaveLength(1);
      expect(await jobs()).toBe(before + 1);
      const panel = await loadPublishPanelAction({ environmentId: ids.built });
      expect(panel?.data).toMatchObject({ isBuilt: true, registries: [{ name: "mlreg-act" }] });
    });

    it("lets only Admins register registries, and validates every field before Azure is asked", async () => {
      request.cookie = alice;
      const denied = await registerRegistryAction({ subscriptionId: SUB, resourceGroup: "rg-reg", name: "mlreg-new", location: "eastus", teamIds: [ids.vision] });
      expect(denied?.serverError?.message).toMatch(/role/i);
      request.cookie = dmitri;
      for (const input of [
        { subscriptionId: "not-a-guid", resourceGroup: "rg-reg", name: "mlreg-new", location: "eastus", teamIds: [ids.vision] },
        { subscriptionId: SUB, resourceGroup: "rg/../x", name: "mlreg-new", location: "eastus", teamIds: [ids.vision] },
        { subscriptionId: SUB, resourceGroup: "rg-reg", name: "mlreg-new\n", location: "eastus", teamIds: [ids.vision] },
        { subscriptionId: SUB, resourceGroup: "rg-reg", name: "ab", location: "eastus", teamIds: [ids.vision] },
        { subscriptionId: SUB, resourceGroup: "rg-reg", name: "mlreg-new", location: "east us", teamIds: [ids.vision] },
        { subscriptionId: SUB, resourceGroup: "rg-reg", name: "mlreg-new", location: "eastus", teamIds: [] },
      ]) {
        const res = await registerRegistryAction(input);
        expect(res?.validationErrors, JSON.stringify(input)).toBeDefined();
      }
      expect(await h.db.amlRegistry.count()).toBe(2);
    });

    it("changes the teams of a registry (Admins only)", async () => {
      request.cookie = alice;
      expect((await setRegistryTeamsAction({ registryId: ids.foreign, teamIds: [ids.vision] }))?.serverError).toBeDefined();
      request.cookie = dmitri;
      const res = await setRegistryTeamsAction({ registryId: ids.foreign, teamIds: [ids.nlp, ids.vision] });
      expect(res?.data?.teams.map((t) => t.id).sort()).toEqual([ids.nlp, ids.vision].sort());
      expect(await h.db.auditEvent.count({ where: { action: "registry.teams_changed", targetId: ids.foreign } })).toBe(1);
    });
  });
}
