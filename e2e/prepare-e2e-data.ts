/**
 * Runs as part of the e2e webServer command, before `npm start`. (Playwright starts webServer
 * before globalSetup, so wiping in globalSetup deleted the data folder under a running server.)
 */
import { rmSync } from "node:fs";
import { acquireE2eLock } from "./run-lock";

const dir = process.argv[2] ?? "data/e2e";
const url = process.env.DATABASE_URL ?? "";
if (!/^data\/e2e(\/[a-z-]+)?$/.test(dir) || !url.startsWith(`file:./${dir}/`)) throw new Error(`e2e refuses a data folder or database outside data/e2e: ${dir}, ${url}`);
acquireE2eLock(process.env.E2E_RUN_ID || "manual");
rmSync(dir, { recursive: true, force: true });
// Force a fresh build, so it runs with this run's newly generated secrets in its environment and
// e2e/bundle-secrets.spec.ts can prove that none of them reached what browsers download. A second
// server of the same run (--keep-build) starts after the first and serves the same build.
if (!process.argv.includes("--keep-build")) rmSync(".next/feedgate-source-hash", { force: true });
