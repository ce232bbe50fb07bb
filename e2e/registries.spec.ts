import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { isFinishedBuild, waitForBuild } from "../testing/e2e/builds-api";
import { signInAs, signOut } from "../testing/e2e/sign-in";

const DATA_DIR = "data/e2e";
const SUBSCRIPTION = "00000000-0000-4000-8000-00000000feed";
const run = Date.now().toString(36);

/** Seeds through tsx (Playwright cannot load the generated ESM Prisma client itself): a request on a registered workspace, built by the server's worker. */
function seedBuiltEnvironment(): string {
  const tsx = path.join(process.cwd(), "node_modules/tsx/dist/cli.mjs");
  const out = execFileSync(process.execPath, [tsx, "e2e/seed-publish-e2e.ts", run], { env: { ...process.env, DATABASE_URL: `file:./${DATA_DIR}/feedgate.db` }, encoding: "utf8" });
  return (JSON.parse(out.trim().split("\n").pop() ?? "{}") as { env: string }).env;
}

test("an admin opens a registry to a team, and a member publishes a built environment and copies its registry URI", async ({ page, context }) => {
  test.setTimeout(300_000);
  const env = seedBuiltEnvironment();

  await signInAs(page, "Dmitri Ivanov", "/admin/registries");
  await page.goto("/admin/registries");
  const form = page.getByRole("form", { name: "Register a registry" });
  await expect(form.getByLabel("Subscription id")).toHaveValue(SUBSCRIPTION);
  await form.getByLabel("Resource group").fill("rg-feedgate-registries");
  await form.getByLabel("Registry name").fill("mlreg-feedgate-shared");
  await form.getByLabel("Location").fill("eastus");
  // The shared schema answers before Azure is asked.
  await form.getByRole("button", { name: "Register registry" }).click();
  await expect(form.getByText("pick at least one team")).toBeVisible();
  await form.getByRole("checkbox", { name: "Vision Research" }).check();
  await form.getByRole("button", { name: "Register registry" }).click();
  await expect(form.getByRole("status")).toContainText("Registered mlreg-feedgate-shared for Vision Research");
  await expect(page.getByRole("table", { name: "Registered Azure ML registries" }).getByRole("row", { name: /mlreg-feedgate-shared/ })).toContainText("Vision Research");
  await signOut(page);

  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signInAs(page, "Alice Chen", "/builds");
  const build = await waitForBuild(page, env, isFinishedBuild, 240_000);
  expect(build.status).toBe("SUCCEEDED");
  await page.goto(`/builds/${build.id}`);
  const panel = page.getByRole("region", { name: "Publish to registry" });
  await panel.getByLabel("Registry", { exact: true }).selectOption({ label: "mlreg-feedgate-shared (eastus)" });
  await panel.getByRole("button", { name: "Publish" }).click();
  const publications = panel.getByRole("list", { name: "Publications" });
  await expect(publications.getByText("Published")).toBeVisible({ timeout: 60_000 });
  const uri = `azureml://registries/mlreg-feedgate-shared/environments/${env}/versions/1`;
  await expect(publications.getByText(uri)).toBeVisible();
  await publications.getByRole("button", { name: "Copy the registry URI of mlreg-feedgate-shared" }).click();
  await expect(publications.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(uri);
  await page.screenshot({ path: "e2e/artifacts/registry-published.png", fullPage: true });
});
