import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";

/**
 * data/e2e belongs to one Playwright run at a time. Several people (or agents) share a checkout,
 * and a second run's wipe would delete the first run's database and secrets mid-test.
 */
const LOCK = "data/e2e.lock";
const STALE_MS = 20 * 60 * 1000;

export function acquireE2eLock(runId: string): void {
  if (existsSync(LOCK)) {
    const holder = readFileSync(LOCK, "utf8").trim();
    const age = Date.now() - statSync(LOCK).mtimeMs;
    if (holder !== runId && age < STALE_MS) {
      throw new Error(`another e2e run (${holder}) has used data/e2e for ${Math.round(age / 1000)} s; wait for it to finish (lock: ${LOCK})`);
    }
  }
  mkdirSync("data", { recursive: true });
  writeFileSync(LOCK, runId);
}

export function releaseE2eLock(runId: string): void {
  if (existsSync(LOCK) && readFileSync(LOCK, "utf8").trim() === runId) rmSync(LOCK, { force: true });
}
