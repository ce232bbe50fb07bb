/**
 * E2E runs on a throwaway local database; refuse anything that is not a local file.
 * The data folder itself is wiped by e2e/prepare-e2e-data.ts, in the webServer command, because
 * Playwright starts the webServer before global setup.
 */
export default function globalSetup() {
  const url = process.env.E2E_DATABASE_URL ?? "file:./data/e2e/feedgate.db";
  if (!url.startsWith("file:./data/")) throw new Error(`e2e refuses a non-local database: ${url}`);
}
