import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "../testing/e2e/sign-in";

test.describe.configure({ timeout: 150_000 });

test("a person in no team is told who can add them and which id to give, on every page", async ({ page }) => {
  // An Admin has signed in, so Feedgate knows whom to name.
  await signInAs(page, "Dmitri Ivanov");
  await expect(page.getByRole("region", { name: "You are not in a team yet" })).toHaveCount(0);
  await signOut(page);

  await signInAs(page, "Nadia Novak");
  const notice = page.getByRole("region", { name: "You are not in a team yet" });
  await expect(notice).toContainText("0b6f5a7e-1c2d-4e3f-9a8b-5555eeee0005");
  await expect(notice.getByRole("link", { name: "dmitri@contoso.example" })).toHaveAttribute("href", /^mailto:dmitri%40contoso\.example\?subject=/);
  await expect(notice.getByRole("button", { name: "Copy your Entra object id" })).toBeVisible();
  const results = await new AxeBuilder({ page }).include("section[aria-labelledby=teamless-title]").analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

  await page.goto("/feeds");
  await expect(page.getByRole("region", { name: "You are not in a team yet" })).toBeVisible();
});
