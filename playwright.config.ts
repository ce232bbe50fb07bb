import { randomUUID } from "node:crypto";
import { defineConfig } from "@playwright/test";

/**
 * E2E against a real `npm start` on its own port, database and data folder, in Debian's Chromium.
 * The browser is Debian's chromium, installed by .ci/run; Playwright never downloads its own.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
const dataDir = "data/e2e";
// One id per run (workers inherit it): e2e/prepare-e2e-data.ts locks data/e2e with it, so a
// second run started meanwhile fails fast instead of wiping the folder under the first.
process.env.E2E_RUN_ID ??= randomUUID();

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    command: "npx tsx e2e/prepare-e2e-data.ts && npx tsx scripts/start.ts",
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      APP_URL: baseURL,
      DATA_DIR: dataDir,
      DATABASE_URL: `file:./${dataDir}/feedgate.db`,
      // The sandbox identity provider (started by npm start) beside the portal's own port.
      SANDBOX_IDP_PORT: String(port + 1),
      NEXT_TELEMETRY_DISABLED: "1",
      E2E_RUN_ID: process.env.E2E_RUN_ID,
    },
  },
});
