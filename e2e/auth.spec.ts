import { expect, test, type Page } from "@playwright/test";
import { signInAs, signOut } from "../testing/e2e/sign-in";

const ALL = ["Overview", "Requests", "Feeds", "Approvals", "Builds", "Admin"] as const;
const HREF: Record<(typeof ALL)[number], string> = { Overview: "/", Requests: "/requests", Feeds: "/feeds", Approvals: "/approvals", Builds: "/builds", Admin: "/admin" };

const PEOPLE = [
  { name: "Alice Chen", roles: "Requester", nav: ["Overview", "Requests", "Feeds", "Builds"] },
  { name: "Bilal Okafor", roles: "Requester", nav: ["Overview", "Requests", "Feeds", "Builds"] },
  { name: "Carmen Diaz", roles: "Approver", nav: ["Overview", "Approvals"] },
  { name: "Dmitri Ivanov", roles: "Approver · Admin", nav: [...ALL] },
];

/** Fails the test on any Content-Security-Policy violation the page reports. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

for (const person of PEOPLE) {
  test(`${person.name} signs in through MSAL, sees the ${person.roles} pages, and signs out`, async ({ page }) => {
    const violations = watchCsp(page);
    await signInAs(page, person.name);
    await expect(page.getByTestId("account-roles")).toHaveText(person.roles);

    const nav = page.getByRole("navigation", { name: "Main", exact: true });
    await expect(nav.getByRole("link")).toHaveText(person.nav);

    for (const section of ALL) {
      await page.goto(HREF[section]);
      if (person.nav.includes(section)) {
        await expect(page.getByRole("heading", { level: 1, name: section === "Overview" ? "Overview" : section })).toBeVisible();
      } else {
        await expect(page.getByRole("heading", { level: 1, name: `${section} is not available for your role` })).toBeVisible();
      }
    }

    const msalTokens = () => page.evaluate(() => Object.keys(localStorage).filter((k) => /\|(idtoken|accesstoken)\|/.test(k)));
    expect(await msalTokens()).not.toEqual([]);
    await signOut(page);
    expect(new URL(page.url()).pathname).toBe("/signin");
    // MSAL's cache went with the sign-out, not only our cookie.
    expect(await msalTokens()).toEqual([]);
    await page.goto("/feeds");
    await expect(page).toHaveURL(/\/signin\?returnTo=%2Ffeeds$/);
    const me = await page.request.get("/api/v1/me");
    expect(me.status()).toBe(401);
    expect(violations).toEqual([]);
  });
}

test("a deep link survives sign-in, and the session cookie is HttpOnly and SameSite=Lax", async ({ page, context }) => {
  await page.goto("/builds");
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fbuilds$/);
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await page.getByRole("button", { name: "Continue as Bilal Okafor" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Builds" })).toBeVisible({ timeout: 20_000 });
  expect(new URL(page.url()).pathname).toBe("/builds");
  const session = (await context.cookies()).find((c) => c.name === "feedgate-session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  const me = await page.request.get("/api/v1/me");
  expect(await me.json()).toMatchObject({ name: "Bilal Okafor", roles: ["Feedgate.Requester"], teams: [{ slug: "nlp" }] });
});

test("the sandbox provider's sign-in page also takes a typed email", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await page.getByLabel("Or type a seeded account's email").fill("carmen@contoso.example");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Carmen Diaz", { timeout: 20_000 });
});

test("pages carry a nonce CSP and the other security headers", async ({ request }) => {
  const res = await request.get("/signin");
  const csp = res.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  // Only style attributes may be inline; scripts and <style> elements need the nonce.
  expect(csp.replace("style-src-attr 'unsafe-inline'", "")).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(res.headers()["x-correlation-id"]).toMatch(/^[\w-]{36}$/);
});

test("mutating APIs refuse other origins and anonymous callers", async ({ request, baseURL }) => {
  expect((await request.post("/api/auth/nonce", { headers: { origin: "https://evil.example" } })).status()).toBe(403);
  const origin = new URL(baseURL ?? "http://localhost:3100").origin;
  expect((await request.post("/api/v1/upstreams/x/decision", { headers: { origin }, data: { decision: "approve", reason: "no session" } })).status()).toBe(401);
});

test("the Admin audit trail lists sign-ins and sign-outs and filters them", async ({ page }) => {
  await signInAs(page, "Alice Chen");
  await signOut(page);
  await signInAs(page, "Dmitri Ivanov", "/admin");
  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail.getByRole("cell", { name: "auth.sign_out" }).first()).toBeVisible();
  await trail.getByLabel("Action").selectOption("auth.sign_in");
  await trail.getByLabel("Actor (name or id)").fill("Alice");
  await trail.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=auth.sign_in&actor=Alice/);
  const rows = trail.getByRole("row").filter({ has: page.getByRole("cell") });
  await expect(rows.first()).toContainText("Alice Chen");
  for (const text of await rows.allInnerTexts()) expect(text).toContain("auth.sign_in");
  await page.screenshot({ path: "e2e/artifacts/admin-audit.png", fullPage: true });
});
