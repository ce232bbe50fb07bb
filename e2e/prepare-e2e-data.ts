/**
 * Runs as part of the e2e webServer command, before `npm start`. (Playwright starts webServer
 * before globalSetup, so wiping in globalSetup deleted the data folder under a running server.)
 */
import { rmSync } from "node:fs";
import { acquireE2eLock } from "./run-lock";

const url = process.env.DATABASE_URL ?? "";
if (!url.startsWith("file:./data/e2e/")) throw new Error(`e2e refuses a non-local database: ${url}`);
acquireE2eLock(process.env.E2E_RUN_ID ?? "manual");
rmSync("data/e2e", { recursive: true, force: true });
// Force a fresh build, so it runs with this run's newly generated secrets in its environment and
// e2e/bundle-secrets.spec.ts can prove that none of them reached what browsers download.
rmSync(".next/feedgate-source-hash", { force: true });
