import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { isFinishedBuild, waitForBuild } from "../testing/e2e/builds-api";
import { signInAs } from "../testing/e2e/sign-in";

const DATA_DIR = "data/e2e";
const run = Date.now().toString(36);

/** Runs e2e/seed-staleness-e2e.ts through tsx (Playwright cannot load the generated ESM Prisma client) and returns its last line. */
function seed<T>(mode: "provision" | "advance"): T {
  const tsx = path.join(process.cwd(), "node_modules/tsx/dist/cli.mjs");
  const out = execFileSync(process.execPath, [tsx, "e2e/seed-staleness-e2e.ts", mode, run], { env: { ...process.env, DATABASE_URL: `file:./${DATA_DIR}/feedgate.db` }, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as T;
}

async function staleCount(page: Page): Promise<number> {
  const text = (await page.getByTestId("stale-count").textContent()) ?? "";
  const match = /(\d+)/.exec(text);
  if (!match) throw new Error(`no stale count in "${text}"`);
  return Number(match[1]);
}

test("an admin finds the environments on a patched base image stale, rebuilds them as one batch and sees the stale count drop", async ({ page }) => {
  test.setTimeout(600_000);
  const { envs } = seed<{ envs: string[] }>("provision");
  await signInAs(page, "Dmitri Ivanov", "/admin/staleness");
  for (const env of envs) expect((await waitForBuild(page, env, isFinishedBuild, 300_000)).status).toBe("SUCCEEDED");
  await page.goto("/admin/staleness");
  await expect(page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Stale environments" })).toHaveAttribute("aria-current", "page");
  const before = await staleCount(page);
  // The base image both were built on is patched upstream: its digest moves on in the registry.
  const { image: subject } = seed<{ image: string }>("advance");
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Checked just now|still running/ })).toBeVisible({ timeout: 60_000 });
  const subjectPattern = new RegExp(subject.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const group = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: subjectPattern }) });
  // The round may still be finishing when the action returns: reload until it shows.
  await expect(async () => {
    await page.reload();
    for (const env of envs) await expect(group.getByRole("link", { name: `${env}:1` })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 120_000 });
  const after = await staleCount(page);
  expect(after).toBeGreaterThanOrEqual(before + 2);
  await group.getByRole("button", { name: `Rebuild all 2 environments stale because of Base image updated: ${subject}` }).click();

  await expect(page).toHaveURL(/\/admin\/staleness\/batches\/[\w-]+$/, { timeout: 30_000 });
  const status = page.getByTestId("batch-status");
  await expect(status).toContainText(/of 2 fresh/);
  // The page refreshes itself while the batch runs; each request rebuilds one environment at a time.
  await expect(status).toHaveText("Done: 2 of 2 fresh.", { timeout: 480_000 });
  for (const env of envs) await expect(page.getByRole("link", { name: `${env}:2 (the rebuild's build)` })).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/staleness-batch-done.png", fullPage: true });

  await page.getByRole("link", { name: "Stale environments" }).first().click();
  await expect(page).toHaveURL(/\/admin\/staleness$/);
  await expect(page.getByTestId("stale-count")).toContainText(new RegExp(`^\\s*${after - 2} stale environment`));
  await expect(page.getByRole("heading", { name: subjectPattern })).toHaveCount(0);

  // The rebuilds pulled the patched image: a new round finds them fresh, not stale again.
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Checked just now." })).toBeVisible({ timeout: 60_000 });
  await page.reload();
  await expect(page.getByTestId("stale-count")).toContainText(new RegExp(`^\\s*${after - 2} stale environment`));
  await expect(page.getByRole("heading", { name: subjectPattern })).toHaveCount(0);
});
