import { beforeAll, describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { createTeamSchema, updateTeamSchema } from "@/lib/validation/admin-teams";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { createTeam, listApproverCandidates, listTeamsForAdmin, TeamFieldError, updateTeam } from "./admin-teams";

const admin: ActingUser = { id: "a", oid: "admin-oid", name: "Admin", email: "", roles: ["Feedgate.Admin"], teamIds: [] };
const requester: ActingUser = { id: "r", oid: "r", name: "Req", email: "", roles: ["Feedgate.Requester", "Feedgate.Approver"], teamIds: [] };
const G1 = "11111111-1111-1111-1111-111111111111";
const G2 = "22222222-2222-2222-2222-222222222222";

for (const provider of testProviders()) {
  describe(`admin teams (${provider})`, () => {
    const t = useTestDatabase(provider);
    let firstId = "";

    beforeAll(async () => {
      const team = await createTeam(t.db, admin, createTeamSchema.parse({ slug: "vision-x", name: "Vision X", groupIds: [G1.toUpperCase(), G1], defaultRegion: "westeurope", addressPool: "10.40.0.0/16" }), "c1");
      firstId = team.id;
    });

    it("creates a team with normalised group ids, audited", async () => {
      const [team] = await listTeamsForAdmin(t.db, admin);
      expect(team).toMatchObject({ slug: "vision-x", groupIds: [G1], defaultRegion: "westeurope", addressPool: "10.40.0.0/16", members: { manual: 0, entra: 0 } });
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "team.created", targetId: firstId } });
      expect(audit.before).toBeNull();
    });

    it("updates settings and groups with before/after audit events", async () => {
      const updated = await updateTeam(t.db, admin, firstId, updateTeamSchema.parse({ name: "Vision Y", groupIds: [G2] }), "c2");
      expect(updated).toMatchObject({ name: "Vision Y", groupIds: [G2] });
      const changed = await t.db.auditEvent.findFirstOrThrow({ where: { action: "team.groups_changed", targetId: firstId } });
      expect(changed.before).toEqual({ groupIds: [G1] });
      expect(changed.after).toEqual({ groupIds: [G2] });
      const settings = await t.db.auditEvent.findFirstOrThrow({ where: { action: "team.updated", targetId: firstId } });
      expect(settings.after).toMatchObject({ name: "Vision Y" });
    });

    it("refuses bad input with a field error naming the entry", () => {
      const bad = (body: object) => createTeamSchema.safeParse({ slug: "ok-slug", name: "Ok", ...body });
      expect(bad({ groupIds: ["not-a-guid"] }).error?.issues[0]?.message).toMatch(/`not-a-guid` is not a group object id/);
      expect(bad({ groupIds: [`${G1}\n`] }).error?.issues[0]?.path).toEqual(["groupIds"]);
      expect(bad({ defaultRegion: "moon" }).success).toBe(false);
      expect(bad({ slug: "Bad Slug" }).success).toBe(false);
      expect(bad({ addressPool: "10.0.0.0/25" }).success).toBe(false);
    });

    it("duplicate slug, name or overlapping pool is a field error and changes nothing", async () => {
      const before = await t.db.team.count();
      await expect(createTeam(t.db, admin, createTeamSchema.parse({ slug: "vision-x", name: "Other" }), "c3")).rejects.toMatchObject({ status: 409, fields: { slug: expect.any(String) } });
      await expect(createTeam(t.db, admin, createTeamSchema.parse({ slug: "other", name: "vision y" }), "c3")).rejects.toMatchObject({ fields: { name: expect.stringContaining("vision-x") } });
      const overlap = createTeam(t.db, admin, createTeamSchema.parse({ slug: "other", name: "Other", addressPool: "10.40.8.0/24" }), "c3");
      await expect(overlap).rejects.toBeInstanceOf(TeamFieldError);
      await expect(overlap).rejects.toMatchObject({ fields: { addressPool: expect.stringContaining("Vision Y") } });
      expect(await t.db.team.count()).toBe(before);
    });

    it("names team-scoped approvers among people who signed in as Approvers, audited; anyone else is a field error", async () => {
      const approver = await t.db.user.create({ data: { entraOid: "oid-approver-1", name: "Aya Approver", email: "aya@contoso.example", lastRoles: ["Feedgate.Approver"] } });
      const requesterRow = await t.db.user.create({ data: { entraOid: "oid-requester-1", name: "Rui Requester", email: "rui@contoso.example", lastRoles: ["Feedgate.Requester"] } });
      expect((await listApproverCandidates(t.db, admin)).map((c) => c.name)).toEqual(["Aya Approver"]);
      const updated = await updateTeam(t.db, admin, firstId, updateTeamSchema.parse({ approverIds: [approver.id, approver.id] }), "c5");
      expect(updated.approvers).toEqual([{ userId: approver.id, name: "Aya Approver" }]);
      expect(await t.db.auditEvent.findFirstOrThrow({ where: { action: "team.approvers_changed", targetId: firstId } })).toMatchObject({ before: { approvers: [] }, after: { approvers: ["Aya Approver"] } });
      await expect(updateTeam(t.db, admin, firstId, updateTeamSchema.parse({ approverIds: [requesterRow.id] }), "c6")).rejects.toMatchObject({ fields: { approverIds: "Rui Requester is not an Approver (their last sign-in carried no Feedgate.Approver role)" } });
      await expect(createTeam(t.db, admin, createTeamSchema.parse({ slug: "ghosts", name: "Ghosts", approverIds: ["nosuchuser"] }), "c7")).rejects.toMatchObject({ fields: { approverIds: "no person has the id nosuchuser" } });
      expect(await t.db.team.count({ where: { slug: "ghosts" } })).toBe(0);
      expect((await listTeamsForAdmin(t.db, admin)).find((x) => x.id === firstId)?.approvers).toEqual([{ userId: approver.id, name: "Aya Approver" }]);
      await updateTeam(t.db, admin, firstId, updateTeamSchema.parse({ approverIds: [] }), "c8");
      expect(await t.db.teamApprover.count({ where: { teamId: firstId } })).toBe(0);
    });

    it("refuses a non-admin and changes nothing", async () => {
      await expect(listTeamsForAdmin(t.db, requester)).rejects.toMatchObject({ status: 403 });
      await expect(updateTeam(t.db, requester, firstId, { name: "Hacked" }, "c4")).rejects.toMatchObject({ status: 403 });
      expect((await t.db.team.findUniqueOrThrow({ where: { id: firstId } })).name).toBe("Vision Y");
    });
  });
}
