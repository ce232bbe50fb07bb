import { expect, test } from "@playwright/test";
import { signInAs } from "../testing/e2e/sign-in";

const SECTIONS = ["Requests", "Feeds", "Approvals", "Builds", "Admin"].map((label) => ({ label, heading: label }));

// The Admin sees every section, so the whole shell can be walked.
test.beforeEach(async ({ page }) => {
  await signInAs(page, "Dmitri Ivanov");
});

test("the shell opens on the overview with the seeded data", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const upstreams = page.getByRole("region", { name: "Approved upstream sources" });
  await expect(upstreams.getByText("pypi.org", { exact: true })).toBeVisible();
  await expect(upstreams.getByText("conda-forge", { exact: true })).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/shell-overview.png", fullPage: true });
});

test("every navigation entry opens its page and marks itself current", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main", exact: true });
  for (const s of SECTIONS) {
    await nav.getByRole("link", { name: s.label }).click();
    await expect(page.getByRole("heading", { level: 1, name: s.heading })).toBeVisible();
    // The sections hold real data now, which other journeys change: check the page rendered, not its rows.
    await expect(page.getByText("Something went wrong on our side")).toHaveCount(0);
    await expect(nav.getByRole("link", { name: s.label })).toHaveAttribute("aria-current", "page");
    await page.screenshot({ path: `e2e/artifacts/shell-${s.label.toLowerCase()}.png`, fullPage: true });
  }
});

test("no page logs a console error or throws", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${page.url()} console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()} threw: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${page.url()} loaded ${r.url()}: HTTP ${r.status()}`);
  });
  const build = await page.request.get("/api/v1/builds?limit=1").then((r) => r.json() as Promise<{ builds?: { id: string }[] }>);
  const routes = ["/", "/requests", "/requests/new", "/feeds", "/approvals", "/builds", "/builds/deployments", "/admin", "/admin/teams", "/admin/workspaces", "/admin/feed-hosts", "/admin/registries"];
  if (build.builds?.[0]) routes.push(`/builds/${build.builds[0].id}`);
  for (const route of routes) {
    await page.goto(route);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // Every streamed part has arrived when no skeleton is left.
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
    await page.waitForLoadState("load");
  }
  expect(problems).toEqual([]);
});

test("health answers ok", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ db: "ok" });
});
