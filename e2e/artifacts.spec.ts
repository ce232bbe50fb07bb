import { readFileSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createPipHome, readE2eSandbox } from "../testing/e2e/real-pip";
import { signInAs } from "../testing/e2e/sign-in";

const ARTIFACTS = "e2e/artifacts";

async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** Alice's request for a feed on Azure Artifacts, through the wizard; resolves its id. */
async function requestArtifactsFeed(page: Page, title: string, project: string, run: string): Promise<string> {
  await signInAs(page, "Alice Chen", "/requests/new");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Region", { exact: true }).selectOption("swedencentral");
  await page.getByLabel("Name prefix", { exact: true }).fill(`ar${run.slice(-6)}`.replace(/[^a-z0-9]/g, "").slice(0, 10));
  await page.getByLabel("Address space", { exact: true }).fill(`10.${150 + (Date.now() % 50)}.0.0/16`) // this spec's 10.150–199; see requests.spec.ts;
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("radio", { name: /^Azure Artifacts/ }).check();
  await expect(page.getByText("Azure Artifacts has no conda: environments on this feed can only use pip requirements.")).toBeVisible();
  await page.getByLabel("Azure DevOps organization", { exact: true }).fill("contoso");
  await page.getByLabel("Project", { exact: true }).fill(project);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("checkbox", { name: /pypi\.org/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Add an environment" }).click();
  const env = page.getByRole("group", { name: "Environment 1" });
  await env.getByLabel("Name", { exact: true }).fill("artifacts-train");
  await env.getByLabel("pip requirements (requirements.txt)", { exact: true }).fill("tinyml==0.3.0\n");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { level: 4, name: /^pip\.conf/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("heading", { level: 4, name: /^\.condarc/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page).toHaveURL(/\/requests\/[a-z0-9]+\?submitted=1$/, { timeout: 20_000 });
  return new URL(page.url()).pathname.split("/").at(-1) ?? "";
}

test("Alice gets a feed on Azure Artifacts: Carmen approves, it reaches Ready, and real pip installs through the catalog's pip.conf with her PAT in .netrc", async ({ page, context, baseURL }) => {
  test.setTimeout(420_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const run = Date.now().toString(36);
  const title = `Artifacts feed ${run}`;
  const project = `ml-${run}`;
  const hostName = `artifacts-contoso-${project}`;
  const requestId = await requestArtifactsFeed(page, title, project, run);

  // Carmen approves through the approval API, as in the requests journey.
  await page.context().clearCookies();
  await signInAs(page, "Carmen Diaz");
  const decision = await page.request.post(`/api/v1/approvals/requests/${requestId}/decision`, {
    headers: { Origin: new URL(baseURL ?? "").origin },
    data: { decision: "approve", reason: "pypi.org only, on the team's Artifacts project" },
  });
  expect(decision.status(), await decision.text()).toBe(200);

  // Alice follows the live timeline: preflight and the image build must authenticate to Artifacts.
  await page.context().clearCookies();
  await signInAs(page, "Alice Chen", `/requests/${requestId}`);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const built = page.locator('[data-testid="stage-environment-build"][data-state="succeeded"]');
  const failed = page.locator('[data-testid^="stage-"][data-state="failed"]');
  const outcome = await Promise.race([
    built.waitFor({ timeout: 300_000 }).then(() => "ready" as const, () => "timeout" as const),
    failed.first().waitFor({ timeout: 300_000 }).then(() => "failed" as const, () => "timeout" as const),
  ]);
  if (outcome !== "ready") await page.screenshot({ path: `${ARTIFACTS}/artifacts-request-failed.png`, fullPage: true });
  expect(outcome, `provisioning on Artifacts did not reach Ready: ${await page.getByTestId("timeline-events").textContent().catch(() => "")}`).toBe("ready");
  await expect(page.getByText("Ready", { exact: true })).toBeVisible();
  await expect(page.getByTestId("stage-preflight")).toHaveAttribute("data-state", "succeeded");
  await expect(page.getByTestId("timeline-events")).toContainText("(PythonFeed, PAT)");
  await page.screenshot({ path: `${ARTIFACTS}/artifacts-request-ready.png`, fullPage: true });

  // The catalog: the Artifacts card offers pip.conf (no .condarc) and says how to authenticate.
  await page.goto("/feeds");
  const card = page.getByRole("article").filter({ hasText: `Azure Artifacts host ${hostName}` });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("Preflight passed");
  await expect(card.getByRole("link", { name: "Download .condarc" })).toHaveCount(0);
  const auth = card.getByRole("region", { name: /^Authenticate to / });
  await expect(auth).toContainText("~/.netrc");
  await expect(auth).toContainText("artifacts-keyring");
  const netrcLine = "machine 127.0.0.1 login feedgate password <your PAT>";
  await expect(auth.getByTestId("netrc-line")).toHaveText(netrcLine);
  await auth.getByRole("button", { name: "Copy .netrc line" }).click();
  await expect(auth.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(netrcLine);
  await expectAccessible(page, "feeds with an Artifacts feed");
  await page.screenshot({ path: `${ARTIFACTS}/artifacts-feed-card.png`, fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("link", { name: "Download pip.conf" }).click()]);
  const pipConf = readFileSync(await download.path(), "utf8");
  const sandbox = readE2eSandbox();
  const indexUrl = `${sandbox.artifacts}/contoso/${project}/_packaging/vision-feed/pypi/simple/`;
  expect(pipConf).toContain(`index-url = ${indexUrl}`);
  expect(pipConf).not.toContain(sandbox.artifactsPat);
  expect(pipConf).not.toMatch(/\/\/[^/\s]*@/);

  // Real pip, in a home of its own: first with pip.conf alone (Artifacts refuses), then with .netrc.
  const home = createPipHome(sandbox.caCertFile);
  try {
    home.writePipConf(pipConf);
    const config = await home.pip(["config", "list"]);
    expect(config.output).toContain(`global.index-url='${indexUrl}'`);
    const target = path.join(home.dir, "site-packages");
    const install = ["install", "--no-deps", "--target", target, "tinyml==0.3.0"];

    const refused = await home.pip(install);
    expect(refused.ok, refused.output).toBe(false);
    expect(refused.output).toMatch(/No matching distribution found for tinyml==0\.3\.0/);

    home.writeNetrc(`${netrcLine.replace("<your PAT>", sandbox.artifactsPat)}\n`);
    const installed = await home.pip(install);
    expect(installed.ok, installed.output).toBe(true);
    expect(installed.output).toContain(`Looking in indexes: ${indexUrl}`);
    expect(installed.output).toMatch(/Successfully installed tinyml-0\.3\.0/);
    expect(installed.output).not.toContain(sandbox.artifactsPat);
    expect(readFileSync(path.join(target, "tinyml", "__init__.py"), "utf8")).toContain("0.3.0");
  } finally {
    home.remove();
  }
});
