import { execFileSync } from "node:child_process";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { waitForBuild } from "../testing/e2e/builds-api";
import { sandboxAdmin } from "../testing/e2e/sandbox-admin";
import { signInAs } from "../testing/e2e/sign-in";


const ARTIFACTS = "e2e/artifacts";
const DATA_DIR = "data/e2e";
/** The sandbox cloud's pace knob. */
const setSandboxPace = (pace: { armStepMs: number; buildStepMs: number }) => sandboxAdmin(DATA_DIR, "PUT", "/_sandbox/pace", pace);
const run = Date.now().toString(36);
const envs = { okEnv: "", failEnv: "" };

/** No serious or critical axe-core violations on the page as it is now. */
async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test.beforeAll(async () => {
  // Slow the sandbox's image builds so the live tail has time to show lines arriving.
  await setSandboxPace({ armStepMs: 200, buildStepMs: 5000 });
  seed("history");
});

/** Seeds through tsx (Playwright cannot load the generated ESM Prisma client itself). */
function seed(mode: "history" | "live") {
  const tsx = path.join(process.cwd(), "node_modules/tsx/dist/cli.mjs");
  const out = execFileSync(process.execPath, [tsx, "e2e/seed-builds-e2e.ts", run, mode], { env: { ...process.env, DATABASE_URL: `file:./${DATA_DIR}/feedgate.db` }, encoding: "utf8" });
  Object.assign(envs, JSON.parse(out.trim().split("\n").pop() ?? "{}") as typeof envs);
}

test.afterAll(async () => {
  await setSandboxPace({ armStepMs: 1500, buildStepMs: 1500 }).catch(() => undefined);
});

test("filters live in the URL: reload and a shared link show the same view", async ({ page, browser }) => {
  await signInAs(page, "Alice Chen", "/builds");
  await expect(page.getByRole("heading", { level: 1, name: "Builds" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Summary" }).getByText("Running now")).toBeVisible();
  await expectAccessible(page, "dashboard");

  await page.getByLabel("Status", { exact: true }).selectOption("SUCCEEDED");
  await expect(page).toHaveURL(/status=SUCCEEDED/);
  await page.getByLabel("Environment name").fill("pytorch");
  await expect(page).toHaveURL(/q=pytorch/);
  await page.getByLabel("Sort", { exact: true }).selectOption("oldest");
  await expect(page).toHaveURL(/sort=oldest/);
  const table = page.getByRole("table", { name: /Builds, oldest first/ });
  await expect(table).toBeVisible();
  const statuses = await columnTexts(table, "Status");
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(["Succeeded"]));
  const names = await table.locator("tbody tr td:nth-child(1) a").allInnerTexts();
  expect(names.every((n) => n.includes("pytorch"))).toBe(true);
  // Alice sees her own team's builds only.
  expect(new Set(await columnTexts(table, "Team"))).toEqual(new Set(["Vision Research"]));
  const url = page.url();
  await page.screenshot({ path: `${ARTIFACTS}/builds-dashboard-filtered.png`, fullPage: true });

  await page.reload();
  await expect(page.getByLabel("Status", { exact: true })).toHaveValue("SUCCEEDED");
  await expect(page.getByLabel("Environment name")).toHaveValue("pytorch");
  await expect(page.getByLabel("Sort", { exact: true })).toHaveValue("oldest");
  expect(await table.locator("tbody tr td:nth-child(1) a").allInnerTexts()).toEqual(names);

  // The link, opened in a fresh browser by someone who signs in first, shows the same view.
  const other = await browser.newContext();
  const shared = await other.newPage();
  await signInAs(shared, "Alice Chen", new URL(url).pathname + new URL(url).search);
  await expect(shared).toHaveURL(url);
  await expect(shared.getByLabel("Status", { exact: true })).toHaveValue("SUCCEEDED");
  expect(await shared.getByRole("table", { name: /Builds, oldest first/ }).locator("tbody tr td:nth-child(1) a").allInnerTexts()).toEqual(names);
  await other.close();

  // Cursor pages: Next page puts the cursor in the URL; First page goes back.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/builds$/);
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByRole("link", { name: "First page" })).toBeVisible();
});

test("a running sandbox build's log lines appear live in the viewer", async ({ page }) => {
  test.setTimeout(300_000);
  seed("live");
  await signInAs(page, "Alice Chen", "/builds");
  const build = await waitForBuild(page, envs.okEnv, (b) => b.status === "PROVISIONING_ACR" || b.status === "RUNNING" || (b.status === "QUEUED" && b.logBytes > 0), 240_000);
  await page.goto(`/builds/${build.id}`);
  await expect(page.getByRole("heading", { level: 2, name: "Log" })).toBeVisible();
  const log = page.getByTestId("build-log");
  const before = await log.locator("div").count();
  await expect(page.getByTestId("log-state")).toContainText("Live");
  // New lines arrive over SSE while the build runs, without a reload.
  await expect.poll(async () => log.locator("div").count(), { timeout: 120_000 }).toBeGreaterThan(before);
  await page.screenshot({ path: `${ARTIFACTS}/builds-live-tail-running.png`, fullPage: true });
  await expect(log).toContainText("Image build succeeded", { timeout: 150_000 });
  await expect(page.getByTestId("log-state")).toContainText("Complete");
  await page.getByLabel("Search the log").fill("succeeded");
  await expect(page.getByText(/loaded lines match “succeeded”/)).toBeVisible();
  await expectAccessible(page, "build detail");
  await page.screenshot({ path: `${ARTIFACTS}/builds-live-tail-done.png`, fullPage: true });

  // Once the job has recorded the success, the page shows what the build installed and offers rebuilds.
  const lockHeading = page.getByRole("heading", { level: 2, name: "Installed packages (lock)" });
  await expect.poll(async () => {
    await page.reload();
    return lockHeading.count();
  }, { timeout: 60_000 }).toBe(1);
  await page.getByText(/^pip: \d+ packages?$/).click();
  await expect(page.getByLabel("pip lock", { exact: true })).toContainText("tinyml==0.3.0");
  await expect(page.getByRole("button", { name: "Copy the pip lock" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Rebuild exactly" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Rebuild fresh" })).toBeEnabled();
  await expectAccessible(page, "build detail with its lock");
});

test("a failed build shows its failure class and guidance, and Retry starts a new attempt", async ({ page }) => {
  test.setTimeout(600_000);
  await signInAs(page, "Alice Chen", "/builds");
  const failed = await waitForBuild(page, envs.failEnv, (b) => b.status === "FAILED", 240_000);
  await page.goto(`/builds/${failed.id}`);
  await expect(page.getByRole("heading", { name: /Why it failed: Package not found/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Dockerfile" })).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/builds-failed-detail.png`, fullPage: true });
  // The request's job stops a moment after the build fails; until then Retry explains why it waits.
  await expect(async () => {
    await page.reload();
    await page.getByRole("button", { name: "Retry build" }).click();
    await expect(page.getByText(/queued again/)).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  const retried = await waitForBuild(page, envs.failEnv, (b) => b.attempt === 2 && b.status === "FAILED", 240_000);
  // Waiting for the retry to fail too keeps its notification from landing in a later journey.
  expect(retried.id).not.toBe(failed.id);
  await page.goto(`/builds?q=${envs.failEnv}`);
  await expect(page.getByText("attempt 2")).toBeVisible();
});

/** The cells of the column under `header` (read from the table's own header, so a new column does not shift it). */
async function columnTexts(table: Locator, header: string): Promise<string[]> {
  const headers = (await table.locator("thead th").allInnerTexts()).map((h) => h.trim().toLowerCase());
  const index = headers.indexOf(header.toLowerCase());
  if (index < 0) throw new Error(`no column "${header}" in ${JSON.stringify(headers)}`);
  return table.locator(`tbody tr td:nth-child(${index + 1})`).allInnerTexts();
}
