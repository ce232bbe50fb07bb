import { describe, expect, it } from "vitest";
import { STALE_REASON_KINDS } from "@/lib/staleness/stale-reasons";
import { REBUILD_REASON_KINDS, startRebuildBatchSchema } from "./rebuild-batch";

describe("startRebuildBatchSchema", () => {
  it("offers exactly the stale reason kinds", () => {
    expect([...REBUILD_REASON_KINDS]).toEqual([...STALE_REASON_KINDS]);
  });

  it("takes a kind and a subject, and refuses anything else", () => {
    expect(startRebuildBatchSchema.parse({ kind: "banned", subject: " tinyml " })).toEqual({ kind: "banned", subject: "tinyml" });
    expect(startRebuildBatchSchema.safeParse({ kind: "stale", subject: "tinyml" }).success).toBe(false);
    expect(startRebuildBatchSchema.safeParse({ kind: "banned", subject: "  " }).success).toBe(false);
    expect(startRebuildBatchSchema.safeParse({ kind: "banned", subject: "x".repeat(301) }).success).toBe(false);
  });
});
