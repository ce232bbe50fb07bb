import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_TEAMS } from "@/prisma/demo-data";
import { signInAs, signOut } from "../../testing/e2e/sign-in";

test.describe.configure({ timeout: 300_000 });

const VISION_GROUP = DEMO_TEAMS[0].groupId;

async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("day one on an empty database: a new person is told whom to ask, the admin maps a team to their Entra group, and their next sign-in puts them in it", async ({ page }) => {
  await signInAs(page, "Dmitri Ivanov");
  await page.goto("/admin/teams");
  await expect(page.getByText("No team yet.")).toBeVisible();
  await signOut(page);

  await signInAs(page, "Alice Chen");
  const notice = page.getByRole("region", { name: "You are not in a team yet" });
  await expect(notice.getByRole("link", { name: "dmitri@contoso.example" })).toBeVisible();
  await signOut(page);

  await signInAs(page, "Dmitri Ivanov");
  await page.goto("/admin");
  await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Teams" }).click();
  await expect(page).toHaveURL(/\/admin\/teams$/);
  const form = page.getByRole("form", { name: "New team" });
  await form.getByLabel("Name").fill("Vision Research");
  await expect(form.getByLabel("Slug")).toHaveValue("vision-research");
  // Bad input first: a group id that is not a GUID and a pool that is not at its network address.
  await form.getByLabel("Entra group object ids").fill("vision-team");
  await form.getByLabel("Address pool").fill("10.40.3.0/16");
  await form.getByRole("button", { name: "Create team" }).click();
  await expect(form.getByText("`vision-team` is not a group object id")).toBeVisible();
  await expect(form.getByText(/must be an IPv4 range/)).toBeVisible();
  await expect(form.getByLabel("Entra group object ids")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("No team yet.")).toBeVisible();

  await form.getByLabel("Entra group object ids").fill(VISION_GROUP.toUpperCase());
  await form.getByLabel("Address pool").fill("10.40.0.0/16");
  await form.getByLabel("Default region").selectOption("westeurope");
  await form.getByRole("button", { name: "Create team" }).click();
  await expect(form.getByRole("status")).toHaveText("Created Vision Research.");
  const row = page.getByRole("row", { name: /Vision Research/ });
  await expect(row).toContainText(VISION_GROUP);
  await expect(row).toContainText("westeurope");

  // The same slug again is a field error on the slug, and nothing is created.
  await form.getByLabel("Name").fill("Vision Research 2");
  await form.getByLabel("Slug").fill("vision-research");
  await form.getByRole("button", { name: "Create team" }).click();
  await expect(form.getByText("vision-research is already another team's slug")).toBeVisible();
  await expect(page.getByRole("row", { name: /Vision Research 2/ })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "e2e/artifacts/admin-teams.png", fullPage: true });

  // The change is in the audit trail with its before and after.
  await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Settings and audit" }).click();
  await expect(page.getByRole("table", { name: /audit/i }).getByText("team.created").first()).toBeVisible();
  await signOut(page);

  await signInAs(page, "Alice Chen");
  await expect(page.getByRole("region", { name: "You are not in a team yet" })).toHaveCount(0);
  const me = await page.request.get("/api/v1/me");
  expect(await me.json()).toMatchObject({ name: "Alice Chen", teams: [{ slug: "vision-research" }] });
});
