import { expect, test } from "@playwright/test";
import { createReadyFeed } from "../testing/e2e/approval-data";
import { signInAs } from "../testing/e2e/sign-in";

// Sign-in and the tsx-run factories take a while on a busy machine; the default 60 s is tight.
test.describe.configure({ timeout: 150_000 });

test("an admin bans a package and an engineer sees it in the feed's effective policy", async ({ page, browser }) => {
  const feed = createReadyFeed("vision");
  const banned = `Evil_Pkg-${Math.random().toString(36).slice(2, 8)}`;
  const normalized = banned.toLowerCase().replace(/[-_.]+/g, "-");

  await signInAs(page, "Dmitri Ivanov", "/admin");
  await page.goto("/admin");
  const panel = page.getByRole("region", { name: "Blocked packages" });
  await panel.getByLabel("Package name").fill(banned);
  await panel.getByLabel("Why block it?").fill("typosquat of a popular package");
  await panel.getByRole("button", { name: "Block package" }).click();
  await expect(panel.getByRole("status")).toContainText(`${normalized} is blocked`);
  // Stored and shown under its PEP 503 name.
  await expect(panel.getByRole("cell", { name: normalized, exact: true })).toBeVisible();

  const alice = await browser.newPage();
  await signInAs(alice, "Alice Chen", "/feeds");
  await alice.goto("/feeds");
  const card = alice.getByRole("article", { name: feed.name });
  const policy = card.getByRole("region", { name: `Effective policy of ${feed.name}` });
  await expect(policy.getByLabel(`Organisation blocks on ${feed.name}`)).toContainText(normalized);
  await expect(policy.getByRole("list", { name: `Upstreams of ${feed.name} in order` })).toContainText("pypi.org");
  await expect(policy).toContainText("all packages");
  // Engineers see the policy but cannot change it.
  const res = await alice.request.get("/admin");
  expect(await res.text()).not.toContain("Block package");
  await alice.close();

  // Clean up: the block-list is organisation-wide and other journeys share the database.
  await page.goto("/admin");
  await panel.getByRole("button", { name: `Unblock ${normalized}` }).click();
  await expect(panel.getByRole("cell", { name: normalized, exact: true })).toHaveCount(0);
});
