/**
 * The watcher notices a registered workspace deleted in Azure without anyone running discovery:
 * it turns MISSING (audited as the watcher), and REGISTERED again once it is back. Against the
 * sandbox ARM through the real SDK; every wait is on the workspace's own status.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_SUBSCRIPTION_ID } from "@/lib/cloud/cloud";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { registerWorkspace } from "@/lib/workspaces/admin-workspaces";
import { actingUser } from "@/testing/approval-fixtures";
import { sandboxToken } from "@/testing/sandbox";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { until } from "@/testing/until";
import { createCheckFeedDriftJob } from "./definition";
import { ensureDriftWatch } from "./ensure-watch";

const world = setUpSandboxWorld(({ db, cloud }) => [createCheckFeedDriftJob({ db, cloud })], "workspace-watch", { seedWorkspaces: true });
const NAME = "mlw-sandbox-public";
const ARM_ID = `/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourceGroups/rg-ml-existing/providers/Microsoft.MachineLearningServices/workspaces/${NAME}`;

async function arm(method: "GET" | "PUT" | "DELETE", body?: unknown) {
  const token = await sandboxToken(world.sandbox);
  const res = await fetch(`${world.sandbox.endpoints.arm}${ARM_ID}?api-version=2022-10-01`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  expect(res.status).toBeLessThan(300);
  return res.json().catch(() => ({})) as Promise<Record<string, unknown>>;
}

describe("the watcher and registered workspaces", () => {
  it("marks a workspace deleted in Azure MISSING, and REGISTERED again once it is back", async () => {
    const db = world.t.db;
    const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const ws = await registerWorkspace(db, loadSandboxCloud(world.sandbox.endpoints), await actingUser(db, "Dmitri Ivanov"), { armId: ARM_ID, teamId: team.id }, "reg");
    const saved = await arm("GET");
    await ensureDriftWatch(db, 100);
    // A round with the workspace present stamps it as seen.
    const firstSeen = (await db.workspace.findUniqueOrThrow({ where: { id: ws.id } })).lastSeenAt;
    await until("a watcher round to see the workspace", async () => ((await db.workspace.findUniqueOrThrow({ where: { id: ws.id } })).lastSeenAt?.getTime() ?? 0) > (firstSeen?.getTime() ?? 0));

    await arm("DELETE");
    await until("the workspace to turn MISSING", async () => (await db.workspace.findUniqueOrThrow({ where: { id: ws.id } })).status === "MISSING");
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "workspace.missing", targetId: ws.id } })).toMatchObject({ actorOid: "system:check-workspaces", actorName: "Feedgate watcher", before: { status: "REGISTERED" } });

    await arm("PUT", { location: saved.location, properties: saved.properties, identity: saved.identity, sku: saved.sku });
    await until("the workspace to be REGISTERED again", async () => (await db.workspace.findUniqueOrThrow({ where: { id: ws.id } })).status === "REGISTERED");
    expect(await db.auditEvent.count({ where: { action: "workspace.missing", targetId: ws.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "workspace.found_again", targetId: ws.id } })).toBe(1);
  });
});
