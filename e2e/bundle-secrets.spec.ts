import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

/**
 * No secret reaches a browser. The e2e server was built by `npm start` (global setup forces a
 * fresh build) with this run's generated SESSION_SECRET in its environment; everything a browser
 * can download is searched for every configured secret value.
 */
test("no configured secret value appears in .next/static or prerendered pages", () => {
  const dataDir = "data/e2e";
  const secretFile = path.join(dataDir, "session-secret");
  const secrets: Record<string, string> = { SESSION_SECRET: readFileSync(secretFile, "utf8").trim() };
  const idp = JSON.parse(readFileSync(path.join(dataDir, "sandbox-idp", "sandbox-idp-keys.json"), "utf8")) as { jwks: { keys: Record<string, string>[] }; cookieKeys: string[] };
  idp.jwks.keys.forEach((k, i) => {
    for (const part of ["d", "p", "q", "dp", "dq", "qi"]) if (k[part]) secrets[`sandbox IdP key ${i}.${part}`] = k[part];
  });
  idp.cookieKeys.forEach((k, i) => (secrets[`sandbox IdP cookie key ${i}`] = k));
  for (const [name, value] of Object.entries(process.env)) {
    if (value && value.length >= 8 && /SECRET|PASSWORD|TOKEN|PRIVATE|_KEY$/i.test(name)) secrets[name] = value;
  }

  // The build must postdate the secret, i.e. it ran with this secret configured.
  expect(statSync(".next/BUILD_ID").mtimeMs).toBeGreaterThan(statSync(secretFile).mtimeMs);

  const files = [...walk(".next/static"), ...walk(".next/server/app").filter((f) => /\.(html|rsc|body|meta|json)$/.test(f))];
  expect(files.length).toBeGreaterThan(10);
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "latin1");
    for (const [name, value] of Object.entries(secrets)) if (text.includes(value)) found.push(`${name} in ${file}`);
  }
  expect(found).toEqual([]);
});

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
