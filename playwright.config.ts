import { randomUUID } from "node:crypto";
import { defineConfig } from "@playwright/test";

/**
 * E2E against a real `npm start` on its own port, database and data folder, in Debian's Chromium.
 * The browser is Debian's chromium, installed by .ci/run; Playwright never downloads its own.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
const dataDir = "data/e2e";
const onboardingPort = port + 20;
const onboardingURL = `http://localhost:${onboardingPort}`;
// Inside data/e2e, so the same lock covers it.
const onboardingDataDir = "data/e2e/onboarding";
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
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [
    // The seeded demo world: the journeys of people who already have teams, feeds and builds.
    { name: "demo", testIgnore: "onboarding/**", use: { baseURL } },
    // Day one in a new tenant: an empty database (SEED_DEMO_DATA=false) on its own server.
    { name: "onboarding", testDir: "e2e/onboarding", use: { baseURL: onboardingURL } },
  ],
  // Started one after the other (Playwright waits for each); the second reuses the first's build.
  webServer: [
    server({ port, dataDir, seed: true }),
    server({ port: onboardingPort, dataDir: onboardingDataDir, seed: false }),
  ],
});

/** One `npm start` with its own port, sandbox ports, data folder and database. */
function server(o: { port: number; dataDir: string; seed: boolean }) {
  const url = `http://localhost:${o.port}`;
  return {
    // The day-one journey greps the whole log of its portal (web, worker, sandbox) for secrets.
    command: `npx tsx e2e/prepare-e2e-data.ts ${o.dataDir}${o.seed ? "" : " --keep-build"} && ${o.seed ? "npx tsx scripts/start.ts" : `mkdir -p ${o.dataDir} && npx tsx scripts/start.ts 2>&1 | tee ${o.dataDir}/server.log`}`,
    url: `${url}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      PORT: String(o.port),
      APP_URL: url,
      DATA_DIR: o.dataDir,
      DATABASE_URL: `file:./${o.dataDir}/feedgate.db`,
      SEED_DEMO_DATA: String(o.seed),
      // The sandbox identity provider (started by npm start) beside the portal's own port.
      SANDBOX_IDP_PORT: String(o.port + 1),
      NEXT_TELEMETRY_DISABLED: "1",
      // The suite signs in dozens of times a minute from one address; the limiter itself is
      // tested in app/api/auth/sign-in-flood.test.ts.
      SIGN_IN_RATE_LIMIT_PER_MINUTE: "1000",
      // The journeys' factory feeds name Nexus repositories that do not exist: a feed watcher round
      // mid-suite would turn them DEGRADED and notify. The watcher is tested on its own
      // (provision-restart.int.test.ts, governance.int.test.ts); here it runs only at start.
      FEED_CHECK_INTERVAL_MS: "86400000",
      E2E_RUN_ID: process.env.E2E_RUN_ID ?? "",
    },
  };
}
