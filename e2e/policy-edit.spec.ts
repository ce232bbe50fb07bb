import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createApprovedUpstreamWithFeed, createReadyFeed } from "../testing/e2e/approval-data";
import { signInAs } from "../testing/e2e/sign-in";

// Sign-in and the tsx-run factories take a while on a busy machine; the default 60 s is tight.
test.describe.configure({ timeout: 150_000 });

async function expectNoSeriousA11yViolations(page: Page, include: string) {
  const results = await new AxeBuilder({ page }).include(include).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("an approver edits an upstream's allow-list and sees it in the feed's effective policy", async ({ page }) => {
  // An upstream of its own, so no other journey sees its allow-list change.
  const { upstream, feed } = createApprovedUpstreamWithFeed("vision");

  await signInAs(page, "Dmitri Ivanov", "/approvals");
  await page.goto("/approvals");
  const item = page.getByRole("listitem", { name: `Approved upstream ${upstream.name}` });
  await expect(item).toContainText("Allow-list: all packages");
  await item.getByText(`Edit allow-list of ${upstream.name}…`).click();
  const form = item.getByRole("form", { name: `Allow-list of ${upstream.name}` });
  const names = form.getByLabel(`Packages allowed from ${upstream.name}`);

  // The server's schema, checked before anything is sent: the bad name and the missing reason are named.
  await names.fill("Tiny_Config\nnot/a-name");
  await form.getByRole("button", { name: "Save allow-list" }).click();
  await expect(form).toContainText("“not/a-name”: A package name has letters, digits, and . _ - between them.");
  await expect(form).toContainText("Say why, in a few words.");
  await expect(names).toHaveAttribute("aria-invalid", "true");
  await expectNoSeriousA11yViolations(page, "section[aria-labelledby=\"approved-upstreams\"]");

  await names.fill("Tiny_Config\nnumpy, numpy");
  await form.getByLabel("Why change it?").fill("Only the wheels the team needs");
  await form.getByRole("button", { name: "Save allow-list" }).click();
  // Stored under PEP 503 names, deduplicated and sorted; the feed has no group yet, so no job is needed.
  await expect(form.getByRole("status")).toHaveText(`Allow-list of ${upstream.name} saved: only numpy, tiny-config. No live Nexus feed proxies it, so no job was needed.`);
  await expect(names).toHaveValue("numpy\ntiny-config");
  await expect(item).toContainText("Allow-list: only numpy, tiny-config");

  await page.goto("/feeds");
  const policy = page.getByRole("article", { name: feed.name }).getByRole("region", { name: `Effective policy of ${feed.name}` });
  await expect(policy.getByRole("list", { name: `Upstreams of ${feed.name} in order` })).toContainText(`${upstream.name} (pypi): only numpy, tiny-config`);

  // An empty list means all packages again.
  await page.goto("/approvals");
  await item.getByText(`Edit allow-list of ${upstream.name}…`).click();
  await names.fill("");
  await form.getByLabel("Why change it?").fill("Back to everything");
  await form.getByRole("button", { name: "Save allow-list" }).click();
  await expect(form.getByRole("status")).toContainText(`Allow-list of ${upstream.name} saved: all packages.`);
  await expect(item).toContainText("Allow-list: all packages");
  await page.goto("/feeds");
  await expect(policy.getByRole("list", { name: `Upstreams of ${feed.name} in order` })).toContainText(`${upstream.name} (pypi): all packages`);
});

test("an admin reorders a feed's upstreams with the keyboard, the order survives a reload, and an engineer reads it", async ({ page, browser }) => {
  const feed = createReadyFeed("vision");

  await signInAs(page, "Dmitri Ivanov", "/feeds");
  await page.goto("/feeds");
  const policy = page.getByRole("article", { name: feed.name }).getByRole("region", { name: `Effective policy of ${feed.name}` });
  const list = policy.getByRole("list", { name: `Upstreams of ${feed.name} in order` });
  await expect(list.getByRole("listitem")).toHaveCount(2);
  // The factory leaves both at position 0, so the stored order is by id: read it rather than assume it.
  const firstText = (await list.getByRole("listitem").first().textContent()) ?? "";
  const [first, second] = firstText.includes("pypi.org") ? ["pypi.org", "conda-forge"] : ["conda-forge", "pypi.org"];
  await expect(policy.getByRole("button", { name: `Move ${first} up` })).toBeDisabled();
  await expect(policy.getByRole("button", { name: "Save order" })).toBeDisabled();

  const moveUp = policy.getByRole("button", { name: `Move ${second} up` });
  await moveUp.focus();
  await page.keyboard.press("Enter");
  await expect(list.getByRole("listitem").first()).toContainText(second);
  // Focus stays on the button that moved, now at the top and unavailable.
  await expect(moveUp).toBeFocused();
  await expect(moveUp).toBeDisabled();
  await expect(policy.getByRole("status").first()).toContainText(`${second} is now 1 of 2. Save order to apply it.`);
  await expectNoSeriousA11yViolations(page, "main");

  await policy.getByRole("button", { name: "Save order" }).click();
  await expect(policy.getByText(`Order saved: ${second}, ${first}.`)).toBeVisible();

  await page.reload();
  await expect(list.getByRole("listitem").first()).toContainText(second);
  await expect(list.getByRole("listitem").nth(1)).toContainText(first);

  // Members see the order and cannot change it.
  const alice = await browser.newPage();
  await signInAs(alice, "Alice Chen", "/feeds");
  await alice.goto("/feeds");
  const alicePolicy = alice.getByRole("article", { name: feed.name }).getByRole("region", { name: `Effective policy of ${feed.name}` });
  const aliceList = alicePolicy.getByRole("list", { name: `Upstreams of ${feed.name} in order` });
  await expect(aliceList.getByRole("listitem").first()).toContainText(second);
  await expect(alicePolicy.getByRole("button", { name: /^Move / })).toHaveCount(0);
  await expect(alicePolicy.getByRole("button", { name: "Save order" })).toHaveCount(0);
  await alice.close();
});
