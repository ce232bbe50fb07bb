import "server-only";
import type { StepContext } from "@/lib/jobs/define-job";
import { checkStaleness, type StalenessDeps } from "@/lib/staleness/check-staleness";
import type { CheckStalenessPayload } from "./schema";

/** The step: one staleness round, then (for the watcher) a wait until the next one. */
export async function runStalenessCheck(deps: StalenessDeps, ctx: StepContext<CheckStalenessPayload>) {
  const round = await checkStaleness(deps, { correlationId: `job:${ctx.jobId}` });
  const summary = `Checked ${round.checked} environment version${round.checked === 1 ? "" : "s"}: ${round.stale} stale, ${round.turnedStale.length} newly, ${round.turnedFresh.length} fresh again.`;
  await ctx.event("staleness.checked", summary, { checked: round.checked, stale: round.stale, turnedStale: round.turnedStale, turnedFresh: round.turnedFresh, unreachableImages: round.unreachableImages });
  if ("once" in ctx.payload) return { checked: round.checked, stale: round.stale };
  return ctx.waitFor(ctx.payload.everyMs);
}
