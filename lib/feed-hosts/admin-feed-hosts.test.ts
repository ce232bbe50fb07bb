import { beforeAll, describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import type { Cloud } from "@/lib/cloud/cloud";
import { CloudError } from "@/lib/cloud/cloud-error";
import { registerFeedHostSchema, setFeedHostEnabledSchema, updateFeedHostSchema } from "@/lib/validation/admin-feed-hosts";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { FeedHostFieldError, listFeedHostsForAdmin, recordFeedHostCheck, registerFeedHost, setFeedHostEnabled, updateFeedHost } from "./admin-feed-hosts";
import { nexusVersion, testFeedHostConnection } from "./test-connection";

const admin: ActingUser = { id: "a", oid: "admin-oid", name: "Admin", email: "", roles: ["Feedgate.Admin"], teamIds: [] };
const requester: ActingUser = { id: "r", oid: "r", name: "Req", email: "", roles: ["Feedgate.Requester", "Feedgate.Approver"], teamIds: [] };
const KV_REF = "https://kv-feedgate.vault.azure.net/secrets/nexus-admin-password";
const CA = `-----BEGIN CERTIFICATE-----
MIIBizCCATGgAwIBAgIUeOzIKIBgAWepg5yBmN6guk7vrlAwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQZmVlZGdhdGUtdGVzdC1jYTAeFw0yNjEyMDIxMzM5NDVaFw0z
NjExMjkxMzM5NDVaMBsxGTAXBgNVBAMMEGZlZWRnYXRlLXRlc3QtY2EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAT+YhkT+nHGyEdxqWGALMlzMkaZazWnBJizqAeh
7V0mlZ5KY2JSXtHD4QIO6yyk9mu2DWNlynsIjMJ7oezyZiObo1MwUTAdBgNVHQ4E
FgQUJSGlRwS9OH0m1X4btDG9Vt2lF34wHwYDVR0jBBgwFoAUJSGlRwS9OH0m1X4b
tDG9Vt2lF34wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAnlLb
M/m0S7HpV7fKUO2nQtKpDb6LTNN4y43RkFpsXv8CIC2l4xNXwAUqFlRgHSdaivMY
gbut3hWga+0fg3WTlxYB
-----END CERTIFICATE-----`;

const nexusBody = (over: object = {}) => ({ kind: "nexus", name: "nexus-west", baseUrl: "https://nexus.example.com:8443/", credentialRef: KV_REF, caCertificate: CA, ...over });
const artifactsBody = (over: object = {}) => ({ kind: "artifacts", name: "ado-vision", organization: "contoso", project: "Vision.AI", credentialRef: "env:ADO_PAT", ...over });

for (const provider of testProviders()) {
  describe(`admin feed hosts (${provider})`, () => {
    const t = useTestDatabase(provider);
    let nexusId = "";
    let artifactsId = "";

    beforeAll(async () => {
      nexusId = (await registerFeedHost(t.db, admin, registerFeedHostSchema.parse(nexusBody()), "c1")).id;
      artifactsId = (await registerFeedHost(t.db, admin, registerFeedHostSchema.parse(artifactsBody()), "c1")).id;
    });

    it("registers a Nexus host with a normalised URL and its CA, audited without the PEM", async () => {
      const hosts = await listFeedHostsForAdmin(t.db, admin);
      const nexus = hosts.find((h) => h.id === nexusId);
      expect(nexus).toMatchObject({ name: "nexus-west", kind: "nexus", baseUrl: "https://nexus.example.com:8443", credentialRef: KV_REF, status: "ACTIVE", organization: null, feedCount: 0, lastCheck: null });
      expect(nexus?.caCertificate).toContain("BEGIN CERTIFICATE");
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.registered", targetId: nexusId } });
      expect(audit.before).toBeNull();
      expect(audit.after).toMatchObject({ name: "nexus-west", baseUrl: "https://nexus.example.com:8443", credentialRef: KV_REF, caCertificateSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(JSON.stringify(audit.after)).not.toContain("BEGIN CERTIFICATE");
      expect(audit.actorOid).toBe("admin-oid");
      expect(audit.correlationId).toBe("c1");
    });

    it("registers an Artifacts host with the URL derived from organisation and project", async () => {
      const host = (await listFeedHostsForAdmin(t.db, admin)).find((h) => h.id === artifactsId);
      expect(host).toMatchObject({ kind: "artifacts", baseUrl: "https://pkgs.dev.azure.com/contoso/Vision.AI", organization: "contoso", project: "Vision.AI", caCertificate: null });
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.registered", targetId: artifactsId } });
      expect(audit.after).toMatchObject({ kind: "artifacts", baseUrl: "https://pkgs.dev.azure.com/contoso/Vision.AI", credentialRef: "env:ADO_PAT" });
    });

    it("updates settings with a before/after audit event; the other kind's fields are refused", async () => {
      const updated = await updateFeedHost(t.db, admin, nexusId, updateFeedHostSchema.parse({ credentialRef: "env:NEXUS_ADMIN_PASSWORD", caCertificate: "" }), "c2");
      expect(updated).toMatchObject({ credentialRef: "env:NEXUS_ADMIN_PASSWORD", caCertificate: null });
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.updated", targetId: nexusId } });
      expect(audit.before).toMatchObject({ credentialRef: KV_REF, caCertificateSha256: expect.any(String) });
      expect(audit.after).toMatchObject({ credentialRef: "env:NEXUS_ADMIN_PASSWORD", caCertificateSha256: null });

      const moved = await updateFeedHost(t.db, admin, artifactsId, updateFeedHostSchema.parse({ project: "vision-2" }), "c2");
      expect(moved.baseUrl).toBe("https://pkgs.dev.azure.com/contoso/vision-2");

      await expect(updateFeedHost(t.db, admin, nexusId, updateFeedHostSchema.parse({ organization: "x" }), "c2")).rejects.toMatchObject({ status: 400, fields: { organization: expect.any(String) } });
      await expect(updateFeedHost(t.db, admin, artifactsId, updateFeedHostSchema.parse({ baseUrl: "https://elsewhere.example.com" }), "c2")).rejects.toMatchObject({ fields: { baseUrl: expect.any(String) } });
      expect(await t.db.auditEvent.count({ where: { action: "feed_host.updated" } })).toBe(2);
    });

    it("duplicate name or Nexus URL is a field error and changes nothing", async () => {
      const hosts = await t.db.feedHost.count();
      const audits = await t.db.auditEvent.count();
      const sameName = registerFeedHost(t.db, admin, registerFeedHostSchema.parse(nexusBody({ baseUrl: "https://other.example.com" })), "c3");
      await expect(sameName).rejects.toBeInstanceOf(FeedHostFieldError);
      await expect(sameName).rejects.toMatchObject({ status: 409, fields: { name: expect.stringContaining("nexus-west") } });
      // Same URL under another spelling: upper-case host, :443-less port kept, trailing slash.
      await expect(registerFeedHost(t.db, admin, registerFeedHostSchema.parse(nexusBody({ name: "nexus-two", baseUrl: "https://NEXUS.example.com:8443//" })), "c3")).rejects.toMatchObject({
        status: 409,
        fields: { baseUrl: expect.stringContaining("nexus-west") },
      });
      await expect(registerFeedHost(t.db, admin, registerFeedHostSchema.parse(artifactsBody({ name: "ado-vision", organization: "fabrikam" })), "c3")).rejects.toMatchObject({ fields: { name: expect.any(String) } });
      expect(await t.db.feedHost.count()).toBe(hosts);
      expect(await t.db.auditEvent.count()).toBe(audits);
    });

    it("refuses a non-admin and changes nothing", async () => {
      const hosts = await t.db.feedHost.count();
      const audits = await t.db.auditEvent.count();
      await expect(listFeedHostsForAdmin(t.db, requester)).rejects.toMatchObject({ status: 403 });
      await expect(registerFeedHost(t.db, requester, registerFeedHostSchema.parse(nexusBody({ name: "sneaky", baseUrl: "https://sneaky.example.com" })), "c4")).rejects.toMatchObject({ status: 403 });
      await expect(updateFeedHost(t.db, requester, nexusId, { credentialRef: "env:HACKED" }, "c4")).rejects.toMatchObject({ status: 403 });
      await expect(setFeedHostEnabled(t.db, requester, nexusId, false, "because", "c4")).rejects.toMatchObject({ status: 403 });
      await expect(recordFeedHostCheck(t.db, nexusId, { ok: true, checks: [] }, { actor: requester })).rejects.toMatchObject({ status: 403 });
      const host = await t.db.feedHost.findUniqueOrThrow({ where: { id: nexusId } });
      expect(host).toMatchObject({ credentialRef: "env:NEXUS_ADMIN_PASSWORD", status: "ACTIVE", lastCheckedAt: null });
      expect(await t.db.feedHost.count()).toBe(hosts);
      expect(await t.db.auditEvent.count()).toBe(audits);
    });

    it.each([
      ["an http URL", nexusBody({ baseUrl: "http://nexus.example.com" }), "baseUrl"],
      ["a URL with a newline", nexusBody({ baseUrl: "https://nexus.example.com\n" }), "baseUrl"],
      ["a URL with a space", nexusBody({ baseUrl: "https://nexus.example.com/a b" }), "baseUrl"],
      ["a URL with credentials", nexusBody({ baseUrl: "https://admin:pw@nexus.example.com" }), "baseUrl"],
      ["a URL with a query", nexusBody({ baseUrl: "https://nexus.example.com/?x=1" }), "baseUrl"],
      ["a URL with a fragment", nexusBody({ baseUrl: "https://nexus.example.com/#x" }), "baseUrl"],
      ["a URL over 2048 characters", nexusBody({ baseUrl: `https://nexus.example.com/${"a".repeat(2048)}` }), "baseUrl"],
      ["a keyvault: reference", nexusBody({ credentialRef: "keyvault:foo" }), "credentialRef"],
      ["a reference to another host", nexusBody({ credentialRef: "https://evil.example/secrets/x" }), "credentialRef"],
      ["a reference with a newline", nexusBody({ credentialRef: "env:NEXUS\n" }), "credentialRef"],
      ["a CA that is not PEM", nexusBody({ caCertificate: "not a certificate" }), "caCertificate"],
      ["a CA with extra text", nexusBody({ caCertificate: `${CA}\nrm -rf /` }), "caCertificate"],
      ["a private key for a CA", nexusBody({ caCertificate: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }), "caCertificate"],
      ["a CA over 20000 characters", nexusBody({ caCertificate: `${CA}\n`.repeat(40) }), "caCertificate"],
      ["an upper-case name", nexusBody({ name: "Nexus" }), "name"],
      ["a one-letter name", nexusBody({ name: "n" }), "name"],
      ["an organisation with a slash", artifactsBody({ organization: "contoso/other" }), "organization"],
      ["a project with a newline", artifactsBody({ project: "vision\n" }), "project"],
      ["an unknown kind", nexusBody({ kind: "jfrog" }), "kind"],
    ])("refuses %s with an error on that field", (_what, body, field) => {
      const parsed = registerFeedHostSchema.safeParse(body);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path[0]).toBe(field);
    });

    it("refuses a credential reference that would hand the worker's own secrets to the host, changing nothing", async () => {
      const before = await t.db.feedHost.findUniqueOrThrow({ where: { id: nexusId } });
      for (const credentialRef of ["env:DATABASE_URL", "env:SESSION_SECRET", "env:AZURE_CLIENT_SECRET", "file:/proc/self/environ"]) {
        await expect(updateFeedHost(t.db, admin, nexusId, updateFeedHostSchema.parse({ credentialRef }), "c9")).rejects.toMatchObject({ status: 400, fields: { credentialRef: expect.any(String) } });
        await expect(registerFeedHost(t.db, admin, registerFeedHostSchema.parse(nexusBody({ name: "exfil", baseUrl: "https://exfil.example.com", credentialRef })), "c9")).rejects.toMatchObject({ fields: { credentialRef: expect.any(String) } });
      }
      expect(await t.db.feedHost.findUniqueOrThrow({ where: { id: nexusId } })).toEqual(before);
      expect(await t.db.feedHost.count({ where: { name: "exfil" } })).toBe(0);
    });

    it("refuses a PEM-shaped block that is no certificate, on the caCertificate field", async () => {
      const fake = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
      await expect(registerFeedHost(t.db, admin, registerFeedHostSchema.parse(nexusBody({ name: "nexus-fake", baseUrl: "https://fake.example.com", caCertificate: fake })), "c5")).rejects.toMatchObject({ status: 400, fields: { caCertificate: expect.any(String) } });
      expect(await t.db.feedHost.count({ where: { name: "nexus-fake" } })).toBe(0);
    });

    it("disables and enables a host, audited, leaving its feeds alone", async () => {
      const team = await t.db.team.create({ data: { slug: "vision", name: "Vision" } });
      const feed = await t.db.feed.create({ data: { teamId: team.id, hostId: nexusId, name: "vision-pypi", status: "READY" } });
      expect((await listFeedHostsForAdmin(t.db, admin)).find((h) => h.id === nexusId)?.feedCount).toBe(1);
      expect(setFeedHostEnabledSchema.safeParse({ enabled: false }).success).toBe(false);
      await expect(setFeedHostEnabled(t.db, admin, nexusId, false, "", "c6")).rejects.toMatchObject({ fields: { reason: expect.any(String) } });

      const disabled = await setFeedHostEnabled(t.db, admin, nexusId, false, "maintenance window", "c6");
      expect(disabled.status).toBe("DISABLED");
      const off = await t.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.disabled", targetId: nexusId } });
      expect(off.before).toEqual({ status: "ACTIVE" });
      expect(off.after).toEqual({ status: "DISABLED", reason: "maintenance window" });
      expect(await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).toMatchObject({ status: "READY", hostId: nexusId });

      // Again: nothing to do, nothing recorded.
      await setFeedHostEnabled(t.db, admin, nexusId, false, "again", "c6");
      expect(await t.db.auditEvent.count({ where: { action: "feed_host.disabled", targetId: nexusId } })).toBe(1);

      const enabled = await setFeedHostEnabled(t.db, admin, nexusId, true, "", "c7");
      expect(enabled.status).toBe("ACTIVE");
      const on = await t.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.enabled", targetId: nexusId } });
      expect(on.before).toEqual({ status: "DISABLED" });
      expect(on.after).toEqual({ status: "ACTIVE", reason: null });
      expect(on.correlationId).toBe("c7");
    });

    it("records a connection check on the host, audited when an Admin ran it", async () => {
      const at = new Date("2026-01-02T03:04:05Z");
      const view = await recordFeedHostCheck(t.db, artifactsId, { ok: false, checks: [{ name: "reachable", ok: true, detail: "fine" }, { name: "credentials", ok: false, detail: "bad\nline" }] }, { actor: admin, correlationId: "c8", checkedAt: at });
      expect(view).toMatchObject({ lastCheckOk: false, lastCheckedAt: at, lastCheck: { ok: false, checks: [{ name: "reachable", ok: true }, { name: "credentials", ok: false, detail: "bad line" }] } });
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.tested", targetId: artifactsId } });
      expect(audit.after).toMatchObject({ ok: false });
      await recordFeedHostCheck(t.db, artifactsId, { ok: true, checks: [{ name: "reachable", ok: true, detail: "ok" }] });
      expect(await t.db.auditEvent.count({ where: { action: "feed_host.tested" } })).toBe(1);
      expect((await listFeedHostsForAdmin(t.db, admin)).find((h) => h.id === artifactsId)).toMatchObject({ lastCheckOk: true, lastCheck: { ok: true } });
    });
  });
}

describe("testFeedHostConnection's scrub", () => {
  const SECRET = "s3cr3t-Pa55word";
  const fakeCloud = (getFeed: () => Promise<never>): Cloud =>
    ({
      resolveCredentialRef: async () => SECRET,
      artifactsFor: async () => ({ getFeed }),
    }) as unknown as Cloud;

  it("keeps the resolved secret out of every detail even when an error message carries it", async () => {
    const cloud = fakeCloud(async () => {
      throw new CloudError(`Azure Artifacts said: bad token ${SECRET} (${Buffer.from(`:${SECRET}`).toString("base64")})`, { service: "artifacts", status: 500, isTransient: true });
    });
    const result = await testFeedHostConnection(cloud, { kind: "artifacts", baseUrl: "https://pkgs.dev.azure.com/o/p", credentialRef: "env:X", organization: "o", project: "p", caCertificate: null });
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === "credentials")?.detail).toContain("[redacted]");
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(Buffer.from(`:${SECRET}`).toString("base64"));
  });

  it("reads the version from Nexus' Server header", () => {
    expect(nexusVersion("Nexus/3.68.1-02 (OSS)")).toBe("3.68.1-02 (OSS)");
    expect(nexusVersion("Nexus/3.70.0-06")).toBe("3.70.0-06");
    expect(nexusVersion("nginx")).toBeUndefined();
    expect(nexusVersion(null)).toBeUndefined();
  });
});
