import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createReadyFeed, createSubmittedRequest } from "../testing/e2e/approval-data";
import { signInAs } from "../testing/e2e/sign-in";

// Sign-in, axe and the tsx-run factories take a while on a busy machine; the default 60 s is tight.
test.describe.configure({ timeout: 150_000 });

async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("a requester finds the team's feed, copies its URL and downloads pip.conf", async ({ page, context }) => {
  const feed = createReadyFeed("vision");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signInAs(page, "Alice Chen", "/feeds");
  await page.goto("/feeds");
  const card = page.getByRole("article", { name: feed.name });
  await expect(card).toContainText("Preflight passed");
  await expect(card).toContainText(feed.pipIndexUrl);
  await expect(card.getByText("pypi.org", { exact: true })).toBeVisible();

  await card.getByRole("button", { name: "Copy pip index URL" }).click();
  await expect(card.getByText("Copied")).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("link", { name: "Download pip.conf" }).click()]);
  expect(download.suggestedFilename()).toBe(`${feed.name}-pip.conf`);
  const text = readFileSync(await download.path(), "utf8");
  expect(text).toContain(`index-url = ${feed.pipIndexUrl}`);

  await card.getByText("Install and verify").click();
  await expect(card.getByText("pip config list")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "e2e/artifacts/feeds-catalog.png", fullPage: true });
});

test("another team does not see the feed and cannot download its configuration", async ({ page }) => {
  const feed = createReadyFeed("vision");
  await signInAs(page, "Bilal Okafor", "/feeds");
  await page.goto("/feeds");
  await expect(page.getByRole("article", { name: feed.name })).toHaveCount(0);
  const res = await page.request.get(`/api/v1/feeds/${feed.id}/config/pip.conf`);
  expect(res.status()).toBe(404);
});

test("the notification badge shows a requester's changed request and clears when seen", async ({ page, browser }) => {
  await signInAs(page, "Alice Chen");
  await openNotifications(page);
  await page.getByRole("button", { name: "Mark all as seen" }).click();
  await expect(page.getByTestId("notification-count")).toHaveCount(0);
  await page.keyboard.press("Escape");

  const request = createSubmittedRequest({ submittedBy: "Alice Chen" });
  const carmen = await browser.newPage();
  await signInAs(carmen, "Carmen Diaz", "/approvals");
  await carmen.goto("/approvals");
  await expect(carmen.getByTestId("notification-count")).toBeVisible();
  const item = carmen.getByRole("listitem", { name: `Request ${request.title}` });
  await item.getByLabel(`Reason for “${request.title}”`).fill("Please reuse the team feed");
  await item.getByRole("button", { name: "Decline request" }).click();
  await expect(carmen.getByTestId("decision-status")).toContainText("declined");
  await carmen.close();

  // A background job of an earlier journey (a retried build of Alice's, say) may also notify her
  // meanwhile, so the badge counts at least this one rather than exactly one.
  await page.reload();
  await expect(page.getByTestId("notification-count")).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByRole("button", { name: /^Notifications, [1-9]\d* new$/ })).toBeVisible();
  const panel = await openNotifications(page);
  await expect(panel).toContainText(`Your request “${request.title}” is declined`);
  await page.screenshot({ path: "e2e/artifacts/notifications-open.png" });
  await panel.getByRole("button", { name: "Mark all as seen" }).click();
  await expect(page.getByTestId("notification-count")).toHaveCount(0);
  await expect(panel.getByRole("status")).toHaveText("Marked as seen.");
});

test("an approved request becomes a real feed on the sandbox Nexus, and its team downloads pip.conf for it", async ({ page, browser }) => {
  test.setTimeout(240_000);
  const request = createSubmittedRequest({ submittedBy: "Alice Chen" });
  const carmen = await browser.newPage();
  await signInAs(carmen, "Carmen Diaz", "/approvals");
  await carmen.goto("/approvals");
  const item = carmen.getByRole("listitem", { name: `Request ${request.title}` });
  await item.getByLabel(`Reason for “${request.title}”`).fill("Standard vision feed");
  await item.getByRole("button", { name: "Approve request" }).click();
  await expect(carmen.getByTestId("decision-status")).toContainText("approved; provisioning has started");
  await carmen.close();

  await signInAs(page, "Alice Chen", "/feeds");
  // The worker inside npm start deploys the workspace, registers the proxies and runs preflight.
  await expect(async () => {
    await page.goto("/feeds");
    await expect(page.getByRole("article").filter({ hasText: "Preflight passed" }).filter({ hasText: "nexus-sandbox" }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 200_000, intervals: [2000] });
  const card = page.getByRole("article").filter({ hasText: "Preflight passed" }).filter({ hasText: "nexus-sandbox" }).first();
  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("link", { name: "Download pip.conf" }).click()]);
  const text = readFileSync(await download.path(), "utf8");
  expect(text).toMatch(/^index-url = https:\/\/127\.0\.0\.1:\d+\/repository\/vision-[a-z0-9-]+\/simple\/$/m);
  await page.screenshot({ path: "e2e/artifacts/feeds-provisioned.png", fullPage: true });
});

/**
 * Opens the notifications panel. On a loaded machine a click can land before the page is
 * hydrated and do nothing, so click again until the panel shows, never toggling an open one shut.
 */
async function openNotifications(page: Page) {
  const panel = page.getByRole("region", { name: "Notifications" });
  await expect(async () => {
    if (!(await panel.isVisible())) await page.getByRole("button", { name: /^Notifications/ }).click();
    await expect(panel).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  return panel;
}
