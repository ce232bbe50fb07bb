import { describe, expect, it } from "vitest";
import { parseAuditFilter } from "./audit-filter";

describe("the audit filter from a link", () => {
  it("keeps valid fields and names each invalid one instead of querying with an Invalid Date", () => {
    const { filter, issues } = parseAuditFilter({ action: "auth.sign_in", from: "2026-99-99", to: "2026-11-30", before: "abc", actor: "Alice" });
    expect(filter).toEqual({ action: "auth.sign_in", to: "2026-11-30", actor: "Alice" });
    expect(issues).toEqual([expect.stringMatching(/^from must be a real date/), expect.stringMatching(/^before must be an event number/)]);
  });

  it("refuses impossible days that have the right shape", () => {
    for (const day of ["2026-02-30", "2026-13-01", "0000-00-00", "2026-1-1"]) expect(parseAuditFilter({ from: day }).issues, day).toHaveLength(1);
    expect(parseAuditFilter({ from: "2024-02-29", to: "" })).toEqual({ filter: { from: "2024-02-29" }, issues: [] });
  });
});
