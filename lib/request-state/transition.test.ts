import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FeedRequestStatus } from "@/generated/prisma/enums";
import { seedDemoData } from "@/prisma/seed";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { canTransition, InvalidTransitionError, REQUEST_TRANSITIONS, transitionRequest } from "./transition";

const STATUSES = Object.values(FeedRequestStatus);
const root = path.resolve(import.meta.dirname, "../..");

describe("the request state table", () => {
  it("names every status, and nothing moves out of READY or DECLINED", () => {
    expect(Object.keys(REQUEST_TRANSITIONS).sort()).toEqual([...STATUSES].sort());
    expect(REQUEST_TRANSITIONS.READY).toEqual([]);
    expect(REQUEST_TRANSITIONS.DECLINED).toEqual([]);
  });

  it("lets a failed or cancelled request provision again (retry of the request or of a build)", () => {
    expect(canTransition("FAILED", "PROVISIONING")).toBe(true);
    expect(canTransition("CANCELLED", "PROVISIONING")).toBe(true);
    expect(canTransition("PROVISIONING", "READY")).toBe(true);
    expect(canTransition("FAILED", "READY")).toBe(false);
    expect(canTransition("DRAFT", "APPROVED")).toBe(false);
  });

  it("is the only writer of FeedRequest.status in the product code", () => {
    const offenders: string[] = [];
    for (const dir of ["app", "lib", "components", "scripts", "prisma", "sandbox"]) {
      walk(path.join(root, dir), (file) => {
        if (!/\.(ts|tsx)$/.test(file) || /\.test\.ts$/.test(file) || file.includes(`${path.sep}request-state${path.sep}`)) return;
        const text = readFileSync(file, "utf8");
        // A feedRequest write whose data names status, within one statement.
        const writes = text.match(/feedRequest\s*\.\s*(update|updateMany|upsert|create|createMany)\s*\(\s*\{[^;]*?\bdata\s*:\s*\{[^;]*?;/g) ?? [];
        if (writes.some((w) => /\bstatus\s*:/.test(w.slice(w.indexOf("data")))) || /UPDATE\s+"?FeedRequest"?\s+SET[^;]*\bstatus\b/i.test(text)) offenders.push(path.relative(root, file));
      });
    }
    expect(offenders).toEqual([]);
  });
});

for (const provider of testProviders()) {
  describe(`transitionRequest on ${provider}`, () => {
    const t = useTestDatabase(provider);

    async function requestIn(status: FeedRequestStatus) {
      await seedDemoData(t.db);
      const team = await t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
      return t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "oid-alice", title: `In ${status}`, payload: {}, status } });
    }

    it("moves along every allowed edge, with the timestamps its target status owns", async () => {
      for (const from of STATUSES) {
        for (const to of REQUEST_TRANSITIONS[from]) {
          const row = await requestIn(from);
          expect(await transitionRequest(t.db, row.id, [from], to, `to ${to}`), `${from} → ${to}`).toBe(true);
          const after = await t.db.feedRequest.findUniqueOrThrow({ where: { id: row.id } });
          expect(after, `${from} → ${to}`).toMatchObject({ status: to, statusReason: `to ${to}` });
          if (to === "SUBMITTED") expect(after.submittedAt).toBeInstanceOf(Date);
          if (to === "APPROVED" || to === "DECLINED") expect(after.decidedAt).toBeInstanceOf(Date);
          if (to === "READY" || to === "CANCELLED") expect(after.completedAt).toBeInstanceOf(Date);
          if (to === "PROVISIONING") expect(after.completedAt).toBeNull();
        }
      }
    });

    it("refuses every edge the table leaves out, before writing anything", async () => {
      let refused = 0;
      for (const from of STATUSES) {
        for (const to of STATUSES) {
          if (canTransition(from, to)) continue;
          const row = await requestIn(from);
          await expect(transitionRequest(t.db, row.id, [from], to, "no"), `${from} → ${to}`).rejects.toBeInstanceOf(InvalidTransitionError);
          expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: row.id } })).status).toBe(from);
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(50);
    });

    it("is conditional: a request that moved on meanwhile is left alone, and exactly one of two racers wins", async () => {
      const row = await requestIn("FAILED");
      expect(await transitionRequest(t.db, row.id, ["PROVISIONING"], "READY", null)).toBe(false);
      expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("FAILED");

      const racing = await requestIn("SUBMITTED");
      const results = await Promise.all([
        transitionRequest(t.db, racing.id, ["SUBMITTED"], "APPROVED", null),
        transitionRequest(t.db, racing.id, ["SUBMITTED"], "DECLINED", "No"),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("honours extra conditions and writes extra columns in the same update", async () => {
      const row = await requestIn("SUBMITTED");
      await t.db.feedRequest.update({ where: { id: row.id }, data: { decidedAt: new Date() } });
      expect(await transitionRequest(t.db, row.id, ["SUBMITTED"], "APPROVED", null, { where: { decidedAt: null } })).toBe(false);
      const draft = await requestIn("DRAFT");
      const submittedAt = new Date("2026-11-30T12:00:00Z");
      expect(await transitionRequest(t.db, draft.id, ["DRAFT"], "SUBMITTED", null, { data: { submittedAt, title: "Renamed" } })).toBe(true);
      expect(await t.db.feedRequest.findUniqueOrThrow({ where: { id: draft.id } })).toMatchObject({ status: "SUBMITTED", submittedAt, title: "Renamed" });
    });
  });
}

function walk(dir: string, visit: (file: string) => void) {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, visit);
    else visit(full);
  }
}
