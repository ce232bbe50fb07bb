import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "../../testing/e2e/sign-in";

test.describe.configure({ timeout: 300_000 });

test("day one on an empty database: the admin signs in to an empty portal, a new person is told whom to ask", async ({ page }) => {
  await signInAs(page, "Dmitri Ivanov");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();
  await expect(page.getByText("Administration is on its way")).toBeVisible();
  await signOut(page);

  await signInAs(page, "Alice Chen");
  const notice = page.getByRole("region", { name: "You are not in a team yet" });
  await expect(notice.getByRole("link", { name: "dmitri@contoso.example" })).toBeVisible();
});
