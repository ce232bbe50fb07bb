import { expect, type Page } from "@playwright/test";

/** The fields of /api/v1/builds rows the specs wait on. */
export type BuildRow = { id: string; status: string; environmentName: string; attempt: number; logBytes: number };

export const isFinishedBuild = (b: BuildRow) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(b.status);

/**
 * Polls the REST API as the signed-in user until a build of exactly `environment` (the search
 * matches names containing it) satisfies `predicate`; an observable state, not a fixed sleep.
 */
export async function waitForBuild(page: Page, environment: string, predicate: (b: BuildRow) => boolean, timeoutMs: number): Promise<BuildRow> {
  const deadline = Date.now() + timeoutMs;
  let last: BuildRow[] = [];
  while (Date.now() < deadline) {
    const res = await page.request.get(`/api/v1/builds?q=${encodeURIComponent(environment)}`);
    expect(res.status()).toBe(200);
    last = ((await res.json()) as { builds: BuildRow[] }).builds.filter((b) => b.environmentName === environment);
    const hit = last.find(predicate);
    if (hit) return hit;
    await page.waitForTimeout(300);
  }
  throw new Error(`no matching build of ${environment}: ${JSON.stringify(last)}`);
}
