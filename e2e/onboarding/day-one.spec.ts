import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_TEAMS } from "@/prisma/demo-data";
import { SANDBOX_NEXUS_SECRET_URI } from "@/sandbox/keyvault/sandbox-vault";
import { signInAs, signOut } from "../../testing/e2e/sign-in";

// One journey in order: each test starts where the previous one left the empty database.
test.describe.configure({ mode: "serial", timeout: 300_000 });

const DATA_DIR = "data/e2e/onboarding";
const endpoints = () => JSON.parse(readFileSync(path.join(DATA_DIR, "sandbox", "endpoints.json"), "utf8")) as { nexus: string; nexusAdminPasswordFile: string };

const VISION_GROUP = DEMO_TEAMS[0].groupId;

async function expectNoSeriousA11yViolations(page: Page) {
  // A page refreshed by a server action gets its <title> back a moment later; check the settled page.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("day one on an empty database: a new person is told whom to ask, the admin maps a team to their Entra group, and their next sign-in puts them in it", async ({ page }) => {
  await signInAs(page, "Dmitri Ivanov");
  await page.goto("/admin/teams");
  await expect(page.getByText("No team yet.")).toBeVisible();
  await signOut(page);

  await signInAs(page, "Alice Chen");
  const notice = page.getByRole("region", { name: "You are not in a team yet" });
  await expect(notice.getByRole("link", { name: "dmitri@contoso.example" })).toBeVisible();
  await signOut(page);

  await signInAs(page, "Dmitri Ivanov");
  await page.goto("/admin");
  await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Teams" }).click();
  await expect(page).toHaveURL(/\/admin\/teams$/);
  const form = page.getByRole("form", { name: "New team" });
  await form.getByLabel("Name").fill("Vision Research");
  await expect(form.getByLabel("Slug")).toHaveValue("vision-research");
  // Bad input first: a group id that is not a GUID and a pool that is not at its network address.
  await form.getByLabel("Entra group object ids").fill("vision-team");
  await form.getByLabel("Address pool").fill("10.40.3.0/16");
  await form.getByRole("button", { name: "Create team" }).click();
  await expect(form.getByText("`vision-team` is not a group object id")).toBeVisible();
  await expect(form.getByText(/must be an IPv4 range/)).toBeVisible();
  await expect(form.getByLabel("Entra group object ids")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("No team yet.")).toBeVisible();

  await form.getByLabel("Entra group object ids").fill(VISION_GROUP.toUpperCase());
  await form.getByLabel("Address pool").fill("10.40.0.0/16");
  await form.getByLabel("Default region").selectOption("westeurope");
  await form.getByRole("button", { name: "Create team" }).click();
  await expect(form.getByRole("status")).toHaveText("Created Vision Research.");
  const row = page.getByRole("row", { name: /Vision Research/ });
  await expect(row).toContainText(VISION_GROUP);
  await expect(row).toContainText("westeurope");

  // The same slug again is a field error on the slug, and nothing is created.
  await form.getByLabel("Name").fill("Vision Research 2");
  await form.getByLabel("Slug").fill("vision-research");
  await form.getByRole("button", { name: "Create team" }).click();
  await expect(form.getByText("vision-research is already another team's slug")).toBeVisible();
  await expect(page.getByRole("row", { name: /Vision Research 2/ })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "e2e/artifacts/admin-teams.png", fullPage: true });

  // The change is in the audit trail with its before and after.
  await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Settings and audit" }).click();
  await expect(page.getByRole("table", { name: /audit/i }).getByText("team.created").first()).toBeVisible();
  await signOut(page);

  await signInAs(page, "Alice Chen");
  await expect(page.getByRole("region", { name: "You are not in a team yet" })).toHaveCount(0);
  const me = await page.request.get("/api/v1/me");
  expect(await me.json()).toMatchObject({ name: "Alice Chen", teams: [{ slug: "vision-research" }] });
  await signOut(page);

  // Omar is in too many groups for his token: the sign-in page fetches a Microsoft Graph token
  // (a second redirect, no prompt) and the portal reads his groups from the sandbox Graph.
  await signInAs(page, "Omar Haddad");
  await expect(page.getByRole("region", { name: "You are not in a team yet" })).toHaveCount(0);
  expect(await (await page.request.get("/api/v1/me")).json()).toMatchObject({ name: "Omar Haddad", teams: [{ slug: "vision-research" }] });
  const context = page.context();
  expect((await context.cookies()).map((c) => c.name)).not.toContain("feedgate-groups-step");
});

test("the admin discovers and registers an existing workspace, registers the Nexus with a Key Vault reference and tests it; a team member's request on them reaches Ready", async ({ page }) => {
  test.setTimeout(420_000);
  await signInAs(page, "Dmitri Ivanov", "/admin/workspaces");
  await page.goto("/admin/workspaces");
  await expect(page.getByText("No workspace registered yet.")).toBeVisible();
  const discover = page.getByRole("form", { name: "Discover workspaces" });
  await discover.getByLabel("Resource group (optional)").fill("rg-does-not-exist");
  await discover.getByRole("button", { name: "List workspaces" }).click();
  await expect(discover.getByRole("alert")).toContainText("resource group rg-does-not-exist does not exist");
  await discover.getByLabel("Resource group (optional)").fill("");
  await discover.getByRole("button", { name: "List workspaces" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Found \d+ workspaces? in the subscription\.$/ })).toBeVisible({ timeout: 30_000 });
  const isolated = page.getByRole("article", { name: "mlw-vision-isolated" });
  await expect(isolated).toContainText("Network-isolated");
  await expect(isolated).toContainText("Ready for private builds");
  const exposed = page.getByRole("article", { name: "mlw-sandbox-public" });
  await expect(exposed).toContainText("Not network-isolated");
  await expect(exposed).toContainText("Public network access is enabled");
  await expect(page.getByRole("article", { name: "mlw-nlp-nocompute" })).toContainText("--image-build-compute");
  await isolated.getByLabel("Register mlw-vision-isolated to").selectOption({ label: "Vision Research" });
  await isolated.getByRole("button", { name: "Register", exact: true }).click();
  await expect(isolated.getByRole("status")).toHaveText("Registered to Vision Research.");
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "e2e/artifacts/admin-workspaces.png", fullPage: true });
  await page.reload();
  await expect(page.getByRole("table", { name: "Registered workspaces" }).getByRole("row", { name: /mlw-vision-isolated/ })).toContainText("Vision Research");

  // The Nexus, with its admin password as a Key Vault secret: bad input first.
  await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Feed hosts" }).click();
  await expect(page.getByText("No feed host yet.")).toBeVisible();
  const form = page.getByRole("form", { name: "Register a feed host" });
  await form.getByLabel("Name").fill("nexus-platform");
  await form.getByLabel("Base URL").fill(endpoints().nexus.replace("https://", "http://"));
  await form.getByLabel("Admin password reference").fill("keyvault:nexus-admin-password");
  await form.getByRole("button", { name: "Register host" }).click();
  await expect(form.getByText("must start with https://")).toBeVisible();
  await expect(form.getByText(/without a keyvault: prefix/)).toBeVisible();
  await expect(form.getByLabel("Admin password reference")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Base URL").fill(endpoints().nexus);
  await form.getByLabel("Admin password reference").fill(SANDBOX_NEXUS_SECRET_URI);
  await form.getByRole("button", { name: "Register host" }).click();
  await expect(form.getByRole("status")).toContainText("Registered nexus-platform.");
  const host = page.getByRole("article", { name: /^nexus-platform/ });
  await expect(host).toContainText(SANDBOX_NEXUS_SECRET_URI);
  await expect(host).toContainText("Not tested yet.");
  // The worker resolves the reference in the sandbox Key Vault and signs in to Nexus with it.
  await host.getByRole("button", { name: "Test connection" }).click();
  await expect(host.getByRole("status")).toHaveText("Every check passed.", { timeout: 60_000 });
  const lastTest = host.getByRole("group", { name: "Last connection test of nexus-platform" });
  await expect(lastTest).toContainText("Last test passed");
  await expect(lastTest).toContainText("Nexus 3.94.0-02 (OSS)");
  await expect(lastTest).toContainText(`Signed in with ${SANDBOX_NEXUS_SECRET_URI}`);
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "e2e/artifacts/admin-feed-hosts.png", fullPage: true });
  await signOut(page);

  // Alice, now in Vision Research through her group, asks for a feed on them.
  await signInAs(page, "Alice Chen", "/requests/new");
  await expect(page.getByRole("heading", { level: 1, name: "New request" })).toBeVisible();
  const title = `Day-one feed ${Date.now().toString(36)}`;
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByRole("radio", { name: /A registered workspace/ }).check();
  await page.getByLabel("Workspace", { exact: true }).selectOption({ label: "mlw-vision-isolated (westeurope, 10.42.0.0/24)" });
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Feed host", { exact: true }).selectOption({ label: "nexus-platform (Nexus)" });
  await page.getByRole("button", { name: "Next" }).click();
  // Nothing is approved on day one: she proposes the public index.
  await page.getByRole("button", { name: "Propose an upstream" }).click();
  const proposed = page.getByRole("group", { name: "Proposed upstream 1" });
  await proposed.getByLabel("Name", { exact: true }).fill("pypi-org");
  await proposed.getByLabel("URL", { exact: true }).fill("https://pypi.org/simple/");
  await proposed.getByLabel("Justification", { exact: true }).fill("The public index every Python team starts from");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Add an environment" }).click();
  const env = page.getByRole("group", { name: "Environment 1" });
  await env.getByLabel("Name", { exact: true }).fill("day-one-train");
  await env.getByLabel("pip requirements (requirements.txt)", { exact: true }).fill("tinyml==0.3.0\n");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { level: 4, name: /^pip\.conf/ })).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page).toHaveURL(/\/requests\/[a-z0-9]+\?submitted=1$/, { timeout: 20_000 });
  const requestId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await signOut(page);

  // Dmitri (Approver and Admin) approves the proposal and the request.
  await signInAs(page, "Dmitri Ivanov", "/approvals");
  await page.goto("/approvals");
  const proposal = page.getByRole("listitem", { name: "Proposed upstream pypi-org" });
  await proposal.getByLabel("Reason for pypi-org").fill("The public index, as the runbook says");
  await proposal.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("decision-status")).toHaveText("pypi-org is now approved.");
  const item = page.getByRole("listitem", { name: `Request ${title}` });
  await item.getByLabel(`Reason for “${title}”`).fill("Registered workspace and host");
  await item.getByRole("button", { name: "Approve request" }).click();
  await expect(page.getByTestId("decision-status")).toContainText("approved");
  await signOut(page);

  await signInAs(page, "Alice Chen", `/requests/${requestId}`);
  await expect(async () => {
    const res = await page.request.get(`/api/v1/requests/${requestId}`);
    const { request: body } = (await res.json()) as { request: { status: string; statusReason: string | null } };
    expect(["FAILED", "CANCELLED", "DECLINED"], body.statusReason ?? "").not.toContain(body.status);
    expect(body.status).toBe("READY");
  }).toPass({ timeout: 300_000, intervals: [2_000] });
  await page.goto(`/requests/${requestId}`);
  await expect(page.getByTestId("stage-environment-build")).toHaveAttribute("data-state", "succeeded");
  await page.screenshot({ path: "e2e/artifacts/day-one-ready.png", fullPage: true });
  await page.goto("/feeds");
  await expect(page.getByRole("article").filter({ hasText: "nexus-platform" }).first()).toContainText("Preflight passed");
});

test("after the whole day-one journey, the Nexus password behind the Key Vault reference is in no database row, log line or browser bundle", () => {
  const password = readFileSync(endpoints().nexusAdminPasswordFile, "utf8").trim();
  expect(password.length).toBeGreaterThan(8);
  const places = [
    ...[path.join(DATA_DIR, "feedgate.db"), path.join(DATA_DIR, "feedgate.db-wal")].filter((f) => existsSync(f)),
    path.join(DATA_DIR, "server.log"),
    ...walk(".next/static"),
    ...walk(".next/server/app").filter((f) => /\.(html|rsc|body|meta|json)$/.test(f)),
  ];
  // The log of the whole run: the portal, its worker (which resolved the secret) and the sandbox.
  expect(readFileSync(path.join(DATA_DIR, "server.log"), "utf8")).toContain("feedgate: portal listening on port");
  const found = places.filter((file) => readFileSync(file, "latin1").includes(password));
  expect(found).toEqual([]);
  // And the reference is where it belongs: in the database.
  expect(readFileSync(path.join(DATA_DIR, "feedgate.db"), "latin1").includes(SANDBOX_NEXUS_SECRET_URI) || readFileSync(path.join(DATA_DIR, "feedgate.db-wal"), "latin1").includes(SANDBOX_NEXUS_SECRET_URI)).toBe(true);
});

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
