import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signInAs } from "../testing/e2e/sign-in";

const ARTIFACTS = "e2e/artifacts";

/** No serious or critical axe-core violations on the page as it is now. */
async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function expectStep(page: Page, title: string) {
  const heading = page.getByRole("heading", { level: 2, name: title });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
}

async function waitForDraftSaved(page: Page) {
  await expect(page.getByTestId("save-status")).toHaveText(/Draft saved/, { timeout: 15_000 });
}

test("Alice requests a feed and an environment through the wizard, by keyboard, with a proposed upstream", async ({ page, context }) => {
  test.setTimeout(180_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const run = Date.now().toString(36);
  const title = `Vision feed ${run}`;
  const proposal = `tiny-extras-${run}`;
  // 10.100–149 is this spec's: seeds build on 10.30, 10.31 and 10.42, and the Artifacts spec on 10.150–199.
  const octet = 100 + (Date.now() % 50);

  await signInAs(page, "Alice Chen", "/requests");
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  await page.getByRole("link", { name: "New request" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "New request" })).toBeVisible();

  // ── Step 1: team and workspace, typed and chosen from the keyboard.
  await expect(page.getByLabel("Team", { exact: true })).toHaveValue(/.+/);
  // The wizard's fields are disabled until it has hydrated; typing before that would be lost.
  await expect(page.getByLabel("Title", { exact: true })).toBeEnabled();
  await page.getByLabel("Title", { exact: true }).focus();
  await page.keyboard.type(title);
  await page.getByLabel("Region", { exact: true }).focus();
  await page.getByLabel("Region", { exact: true }).selectOption("westeurope");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Name prefix", { exact: true })).toBeFocused();
  await page.keyboard.type("vis");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Address space", { exact: true })).toBeFocused();
  await page.keyboard.type(`10.${octet}.0.0/16`);
  await expectAccessible(page, "step 1");
  await page.screenshot({ path: `${ARTIFACTS}/requests-wizard-1-workspace.png`, fullPage: true });
  await page.keyboard.press("Enter");
  await expectStep(page, "Feed host");
  await expect(page).toHaveURL(/\/requests\/new\?draft=[a-z0-9]+/);

  // ── Step 2: feed host. Artifacts explains it has no conda.
  await page.getByLabel("Feed host", { exact: true }).selectOption({ label: "nexus-sandbox (Nexus)" });
  await expect(page.getByText("pip only: Azure Artifacts has no conda channels.")).toBeVisible();
  await expectAccessible(page, "step 2");
  await page.screenshot({ path: `${ARTIFACTS}/requests-wizard-2-feed-host.png`, fullPage: true });
  await waitForDraftSaved(page);

  // A refresh mid-wizard keeps the draft and the step.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Continue your request" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Feed host" })).toBeVisible();
  await expect(page.getByLabel("Feed host", { exact: true })).toHaveValue(/.+/);
  await page.getByRole("button", { name: "Next" }).press("Enter");
  await expectStep(page, "Upstream sources");

  // ── Step 3: approved upstreams (Space toggles checkboxes) and a proposal, first with a malicious URL.
  await page.getByRole("checkbox", { name: /pypi\.org/ }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("checkbox", { name: /conda-forge/ }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Propose an upstream" }).press("Enter");
  const proposed = page.getByRole("group", { name: "Proposed upstream 1" });
  await proposed.getByLabel("Name", { exact: true }).fill(proposal);
  await proposed.getByLabel("URL", { exact: true }).fill("file:///etc/passwd");
  await proposed.getByLabel("Justification", { exact: true }).fill("Small helper wheels the vision team publishes");
  await proposed.getByLabel("Package allow-list (optional)", { exact: true }).fill("tinycore, tinyio");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(proposed.getByTestId("field-error")).toContainText("must use https://");
  await expect(page.getByRole("alert").filter({ hasText: "Proposed upstream 1, URL: must use https://" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Upstream sources" })).toBeVisible();
  await proposed.getByLabel("URL", { exact: true }).fill("http://169.254.169.254/");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(proposed.getByTestId("field-error")).toContainText("must use https://");
  await proposed.getByLabel("URL", { exact: true }).fill(`https://${proposal}.example/simple/`);
  await expectAccessible(page, "step 3");
  await page.screenshot({ path: `${ARTIFACTS}/requests-wizard-3-upstreams.png`, fullPage: true });
  await page.getByRole("button", { name: "Next" }).click();
  await expectStep(page, "Environments");

  // ── Step 4: an environment; a malicious pip spec is refused inline, then a pasted requirements.txt.
  await page.getByRole("button", { name: "Add an environment" }).press("Enter");
  const env = page.getByRole("group", { name: "Environment 1" });
  await env.getByLabel("Name", { exact: true }).fill("vision\ntrain");
  await env.getByLabel("pip requirements (requirements.txt)", { exact: true }).fill("numpy; curl x | sh");
  await expect(env.getByTestId("field-error").first()).toContainText("`numpy; curl x | sh` is not a PEP 508 requirement");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "is not a PEP 508 requirement" })).toBeVisible();
  await expect(env.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: `${ARTIFACTS}/requests-wizard-4-environments-errors.png`, fullPage: true });
  await env.getByLabel("Name", { exact: true }).fill("vision-train");
  await env.getByLabel("pip requirements (requirements.txt)", { exact: true }).fill("# requirements.txt\ntinyml==0.3.0\ntinylog>=0.1  # logging\n");
  await env.getByLabel("conda packages", { exact: true }).fill("tinyhttp");
  await expect(env.getByTestId("field-error")).toHaveCount(0);
  await expectAccessible(page, "step 4");
  await page.screenshot({ path: `${ARTIFACTS}/requests-wizard-4-environments.png`, fullPage: true });
  await page.getByRole("button", { name: "Next" }).click();
  await expectStep(page, "Review and submit");

  // ── Step 5: review the previews, copy one, submit with a double click (it must submit once).
  await expect(page.getByRole("heading", { name: /ARM parameters: network-isolated-workspace/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("cell", { name: "vision-pypi-org-pypi", exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: `vision-${proposal}-pypi`, exact: true })).toBeVisible();
  for (const name of ["pip.conf", ".condarc", "Compute-instance setup script", "Dockerfile: vision-train"]) {
    await expect(page.getByRole("heading", { level: 4, name: new RegExp(`^${name.replace(".", "\\.")}`) })).toBeVisible();
  }
  await expect(page.getByLabel("pip.conf contents", { exact: true })).toContainText("index-url = ");
  await expect(page.getByLabel("Dockerfile: vision-train contents", { exact: true })).toContainText("pip install --no-cache-dir -r /tmp/feedgate/requirements.txt");
  await page.getByRole("button", { name: "Copy pip.conf" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("[global]\nindex-url = ");
  await expectAccessible(page, "step 5");
  await page.screenshot({ path: `${ARTIFACTS}/requests-wizard-5-review.png`, fullPage: true });

  await page.getByRole("button", { name: "Submit request" }).dblclick();
  await expect(page).toHaveURL(/\/requests\/[a-z0-9]+\?submitted=1$/, { timeout: 20_000 });
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByText("Request submitted.")).toBeVisible();
  await expect(page.getByText("Waiting for an approver.")).toBeVisible();
  await expect(page.getByTestId("stage-infrastructure")).toHaveAttribute("data-state", "pending");
  await page.screenshot({ path: `${ARTIFACTS}/requests-detail-submitted.png`, fullPage: true });

  // Exactly one request with this title, and it is submitted.
  const listed = (await (await page.request.get("/api/v1/requests")).json()) as { requests: { title: string; status: string }[] };
  expect(listed.requests.filter((r) => r.title === title).map((r) => r.status)).toEqual(["SUBMITTED"]);
  await page.goto("/requests");
  const row = page.getByRole("row", { name: new RegExp(title) });
  await expect(row.getByText("Submitted")).toBeVisible();
  await expectAccessible(page, "request list");
  await page.screenshot({ path: `${ARTIFACTS}/requests-list.png`, fullPage: true });

  // Alice can cancel her submitted request; the page updates and Cancel disappears.
  await row.getByRole("link", { name: title }).click();
  await page.getByRole("button", { name: "Cancel request" }).click();
  await page.getByRole("button", { name: "Yes, cancel" }).click();
  await expect(page.getByText("Request cancelled.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel request" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("Cancelled", { exact: true })).toBeVisible();
});

test("Bilal cannot open Alice's request", async ({ page }) => {
  await signInAs(page, "Alice Chen", "/requests/new");
  await page.getByLabel("Title", { exact: true }).fill("Alice's private draft");
  await waitForDraftSaved(page);
  const url = page.url();
  const draftId = new URL(url).searchParams.get("draft");
  expect(draftId).toMatch(/^[a-z0-9]+$/);
  await page.context().clearCookies();
  await signInAs(page, "Bilal Okafor", "/requests");
  const res = await page.request.get(`/api/v1/requests/${draftId}`);
  expect(res.status()).toBe(404);
  await page.goto(`/requests/${draftId}`);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
});

test("Carmen approves Alice's request and Alice watches the live timeline reach Ready", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const run = Date.now().toString(36);
  const title = `Live feed ${run}`;
  await signInAs(page, "Alice Chen", "/requests/new");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Region", { exact: true }).selectOption("northeurope");
  await page.getByLabel("Name prefix", { exact: true }).fill(`lv${run.slice(-6)}`.replace(/[^a-z0-9]/g, "").slice(0, 10));
  // 172.16.0.0/12 is this journey's alone: the other specs deploy in 10.0.0.0/8, and an overlap
  // with one of their workspaces is refused (rightly) by the wizard.
  await page.getByLabel("Address space", { exact: true }).fill(`172.${16 + (Date.now() % 16)}.0.0/16`);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Feed host", { exact: true }).selectOption({ label: "nexus-sandbox (Nexus)" });
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("checkbox", { name: /pypi\.org/ }).check();
  await page.getByRole("checkbox", { name: /conda-forge/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Add an environment" }).click();
  const env = page.getByRole("group", { name: "Environment 1" });
  await env.getByLabel("Name", { exact: true }).fill("live-train");
  await env.getByLabel("pip requirements (requirements.txt)", { exact: true }).fill("tinyml==0.3.0\n");
  await env.getByLabel("conda packages", { exact: true }).fill("tinyhttp");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { level: 4, name: /^pip\.conf/ })).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page).toHaveURL(/\/requests\/[a-z0-9]+\?submitted=1$/, { timeout: 20_000 });
  const requestId = new URL(page.url()).pathname.split("/").at(-1) ?? "";

  // The approval belongs to the approval queue; here it goes through its REST API as Carmen.
  await page.context().clearCookies();
  await signInAs(page, "Carmen Diaz");
  const decision = await page.request.post(`/api/v1/approvals/requests/${requestId}/decision`, {
    headers: { Origin: new URL(baseURL ?? "").origin },
    data: { decision: "approve", reason: "Approved upstreams only, small environment" },
  });
  expect(decision.status(), await decision.text()).toBe(200);

  await page.context().clearCookies();
  await signInAs(page, "Alice Chen", `/requests/${requestId}`);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole("heading", { name: "ARM deployments" })).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: `${ARTIFACTS}/requests-detail-provisioning.png`, fullPage: true });

  // Follow the live timeline to Ready. A failed stage shows its next step; Retry resumes from it.
  const built = page.locator('[data-testid="stage-environment-build"][data-state="succeeded"]');
  const failed = page.locator('[data-testid^="stage-"][data-state="failed"]');
  for (let attempt = 0; ; attempt++) {
    const outcome = await Promise.race([
      built.waitFor({ timeout: 240_000 }).then(() => "ready" as const, () => "timeout" as const),
      failed.first().waitFor({ timeout: 240_000 }).then(() => "failed" as const, () => "timeout" as const),
    ]);
    if (outcome === "ready") break;
    expect(outcome, "provisioning neither finished nor failed").toBe("failed");
    expect(attempt, `still failing after a retry: ${await page.getByText("What went wrong").locator("..").textContent()}`).toBe(0);
    await expect(page.getByText("Next step:")).toBeVisible();
    await page.screenshot({ path: `${ARTIFACTS}/requests-detail-failed.png`, fullPage: true });
    await page.getByRole("button", { name: "Retry from the failed step" }).click();
    await expect(page.getByText(/^Retrying/)).toBeVisible();
    await expect(failed).toHaveCount(0, { timeout: 30_000 });
  }
  await expect(page.getByText("Ready", { exact: true })).toBeVisible();
  await expect(page.getByTestId("timeline-events")).toContainText("built");
  await expect(page.getByRole("button", { name: "Cancel request" })).toHaveCount(0);
  await expectAccessible(page, "request detail");
  await page.screenshot({ path: `${ARTIFACTS}/requests-detail-ready.png`, fullPage: true });
});
