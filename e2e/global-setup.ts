import { rmSync } from "node:fs";

/** E2E runs on a throwaway local database; refuse anything that is not a local file. */
export default function globalSetup() {
  const url = process.env.E2E_DATABASE_URL ?? "file:./data/e2e/feedgate.db";
  if (!url.startsWith("file:./data/")) throw new Error(`e2e refuses a non-local database: ${url}`);
  rmSync("data/e2e", { recursive: true, force: true });
}
