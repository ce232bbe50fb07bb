/**
 * "Test connection" end to end in one process: the portal's side queues the check, the worker
 * resolves the Key Vault reference against the sandbox Key Vault, tests the sandbox Nexus and
 * stores the result; the audit trail names who asked. The secret lands nowhere in the database.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { registerFeedHost, updateFeedHost } from "@/lib/feed-hosts/admin-feed-hosts";
import { registerFeedHostSchema, updateFeedHostSchema } from "@/lib/validation/admin-feed-hosts";
import { actingUser } from "@/testing/approval-fixtures";
import { SANDBOX_NEXUS_SECRET_URI } from "@/testing/sandbox";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { createCheckFeedHostJob } from "./definition";
import { awaitFeedHostCheck, requestFeedHostCheck } from "./start";

const world = setUpSandboxWorld(({ db, cloud }) => [createCheckFeedHostJob({ db, cloud })]);

describe("check-feed-host", () => {
  it("tests a Nexus registered with a Key Vault reference, stores the result and audits who asked", async () => {
    const dmitri = await actingUser(world.t.db, "Dmitri Ivanov");
    // The seeded host moves from its file: reference to the Key Vault secret (the same URL again is refused).
    const seeded = await world.t.db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
    await expect(registerFeedHost(world.t.db, dmitri, registerFeedHostSchema.parse({ kind: "nexus", name: "nexus-keyvault", baseUrl: seeded.baseUrl, credentialRef: SANDBOX_NEXUS_SECRET_URI }), "reg-1")).rejects.toMatchObject({ fields: { baseUrl: "feed host nexus-sandbox already has this URL" } });
    const host = await updateFeedHost(world.t.db, dmitri, seeded.id, updateFeedHostSchema.parse({ credentialRef: SANDBOX_NEXUS_SECRET_URI }), "upd-1");
    const { jobId } = await requestFeedHostCheck(world.t.db, dmitri, host.id, "test-1");
    expect(await awaitFeedHostCheck(world.t.db, jobId, { timeoutMs: 60_000 })).toBe(true);

    const stored = await world.t.db.feedHost.findUniqueOrThrow({ where: { id: host.id } });
    expect(stored.lastCheckOk).toBe(true);
    expect(stored.lastCheck).toMatchObject({ ok: true, version: "3.94.0-02 (OSS)", checks: [{ name: "reachable", ok: true }, { name: "credentials", ok: true }, { name: "version", ok: true }] });
    const audit = await world.t.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.tested", targetId: host.id } });
    expect(audit).toMatchObject({ actorName: "Dmitri Ivanov", correlationId: "test-1", after: { ok: true } });

    // The password behind the reference is nowhere in the database: not on the host, its check, the job, its events or the audit trail.
    const password = readFileSync(world.sandbox.endpoints.nexusAdminPasswordFile, "utf8").trim();
    expect(password.length).toBeGreaterThan(8);
    const everything = JSON.stringify(await Promise.all([world.t.db.feedHost.findMany(), world.t.db.job.findMany(), world.t.db.jobEvent.findMany(), world.t.db.auditEvent.findMany()]));
    expect(everything).toContain(SANDBOX_NEXUS_SECRET_URI);
    expect(everything).not.toContain(password);
  });

  it("refuses non-admins and unknown hosts before queueing anything", async () => {
    const alice = await actingUser(world.t.db, "Alice Chen");
    const host = await world.t.db.feedHost.findFirstOrThrow();
    const before = await world.t.db.job.count();
    await expect(requestFeedHostCheck(world.t.db, alice, host.id, "x")).rejects.toMatchObject({ status: 403 });
    await expect(requestFeedHostCheck(world.t.db, await actingUser(world.t.db, "Dmitri Ivanov"), "nosuchhost000", "x")).rejects.toMatchObject({ status: 404 });
    expect(await world.t.db.job.count()).toBe(before);
  });
});
