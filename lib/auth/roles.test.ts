import { describe, expect, it } from "vitest";
import { canUseSection, rolesFromClaims } from "./roles";

describe("roles", () => {
  it("takes known app roles from the roles claim and ignores the rest", () => {
    expect(rolesFromClaims({ roles: ["Feedgate.Admin", "Feedgate.Root", 7] }, {})).toEqual(["Feedgate.Admin"]);
    expect(rolesFromClaims({ roles: "Feedgate.Admin" }, {})).toEqual([]);
  });

  it("maps configured group ids to roles", () => {
    const map = { "group-approvers": "Feedgate.Approver" as const };
    expect(rolesFromClaims({ groups: ["group-approvers", "unrelated"], roles: ["Feedgate.Requester"] }, map)).toEqual(["Feedgate.Requester", "Feedgate.Approver"]);
  });

  it("maps sections to roles", () => {
    expect(canUseSection(["Feedgate.Requester"], "feeds")).toBe(true);
    expect(canUseSection(["Feedgate.Requester"], "approvals")).toBe(false);
    expect(canUseSection(["Feedgate.Approver"], "approvals")).toBe(true);
    expect(canUseSection(["Feedgate.Approver"], "admin")).toBe(false);
    expect(canUseSection(["Feedgate.Admin"], "admin")).toBe(true);
  });
});
