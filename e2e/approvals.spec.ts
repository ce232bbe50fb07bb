import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createApprovedUpstreamWithFeed, createProposedUpstream, createSubmittedRequest, setTwoPersonRuleDirectly } from "../testing/e2e/approval-data";
import { signInAs } from "../testing/e2e/sign-in";

// Sign-in, axe and the tsx-run factories take a while on a busy machine; the default 60 s is tight.
test.describe.configure({ timeout: 150_000 });

async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test.beforeEach(() => {
  setTwoPersonRuleDirectly(false);
});

test("Carmen sees a proposed upstream with its context, approves it with a reason and declines another", async ({ page }) => {
  const wanted = createProposedUpstream({ proposedBy: "Alice Chen", justification: "Vision Research publishes its CUDA wheels here." });
  const unwanted = createProposedUpstream({ proposedBy: "Bilal Okafor", justification: "A mirror a blog post recommended." });
  const request = createSubmittedRequest({ submittedBy: "Alice Chen", proposed: { name: wanted.name, url: wanted.url, justification: wanted.justification } });

  await signInAs(page, "Carmen Diaz", "/approvals");
  await page.goto("/approvals");
  await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
  await expect(page.getByTestId("notification-count")).toBeVisible();

  const item = page.getByRole("listitem", { name: `Proposed upstream ${wanted.name}` });
  await expect(item).toContainText("Alice Chen");
  await expect(item).toContainText("Vision Research publishes its CUDA wheels here.");
  await expect(item).toContainText("Vision Research (1 request)");
  // Nothing on the internet answers in the sandbox: the check says so instead of failing.
  await expect(item).toContainText(/did not answer|Not checked/, { timeout: 15_000 });
  await expect(page.getByRole("listitem", { name: `Request ${request.title}` })).toContainText("Alice Chen");
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "e2e/artifacts/approvals-queue.png", fullPage: true });

  await item.getByLabel(`Reason for ${wanted.name}`).fill("Vendor wheels we already trust");
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("decision-status")).toHaveText(`${wanted.name} is now approved.`);
  await expect(page.getByRole("listitem", { name: `Proposed upstream ${wanted.name}` })).toHaveCount(0);
  await expect(page.getByRole("listitem", { name: `Approved upstream ${wanted.name}` })).toBeVisible();

  const other = page.getByRole("listitem", { name: `Proposed upstream ${unwanted.name}` });
  await other.getByLabel(`Reason for ${unwanted.name}`).fill("Unknown publisher; use pypi.org");
  await other.getByRole("button", { name: "Decline" }).click();
  await expect(page.getByTestId("decision-status")).toHaveText(`${unwanted.name} is now declined.`);
  await expect(page.getByRole("listitem", { name: `Proposed upstream ${unwanted.name}` })).toHaveCount(0);
  await page.screenshot({ path: "e2e/artifacts/approvals-decided.png", fullPage: true });
});

test("Dmitri turns the two-person rule on in Admin settings, the queue shows it, and turns it off", async ({ page }) => {
  await signInAs(page, "Dmitri Ivanov", "/admin");
  await page.goto("/admin");
  const toggle = page.getByRole("switch", { name: "Two-person rule" });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await toggle.click();
  await expect(page.getByText("Two-person rule is now on.")).toBeVisible();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await page.screenshot({ path: "e2e/artifacts/admin-two-person-rule.png", fullPage: true });

  await page.goto("/approvals");
  await expect(page.getByTestId("two-person-rule")).toHaveText("Two-person rule: on");

  await page.goto("/admin");
  await page.getByRole("switch", { name: "Two-person rule" }).click();
  await expect(page.getByText("Two-person rule is now off.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText("config.changed");
});

test("Carmen revokes an approved upstream: the team's feed is flagged and its requester is told", async ({ page, browser }) => {
  const { upstream, feed } = createApprovedUpstreamWithFeed("vision");
  await signInAs(page, "Carmen Diaz", "/approvals");
  await page.goto("/approvals");
  const item = page.getByRole("listitem", { name: `Approved upstream ${upstream.name}` });
  await expect(item).toContainText(`Used by ${feed.name} (Vision Research)`);
  await item.getByText(`Revoke ${upstream.name}…`).click();
  await item.getByLabel(`Why revoke ${upstream.name}?`).fill("Publisher account was compromised");
  await item.getByRole("button", { name: "Revoke and flag 1 feed" }).click();
  await expect(page.getByTestId("decision-status")).toHaveText(`${upstream.name} is revoked; 1 feed flagged, and their proxies are being switched offline.`);
  await expect(page.getByRole("listitem", { name: `Approved upstream ${upstream.name}` })).toHaveCount(0);

  const alice = await browser.newPage();
  await signInAs(alice, "Alice Chen", "/feeds");
  await alice.goto("/feeds");
  const card = alice.getByRole("article", { name: feed.name });
  await expect(card).toContainText("DEGRADED");
  await expect(card.getByRole("note")).toContainText(`${upstream.name} was revoked`);
  await expect(card).toContainText("Flagged: revoked");
  await expect(alice.getByTestId("notification-count")).toBeVisible();
  await alice.screenshot({ path: "e2e/artifacts/feeds-flagged.png", fullPage: true });
  await alice.close();
});
