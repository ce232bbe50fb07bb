/** How the data plane's image-build status maps onto EnvironmentBuild, and its phase timings. */
import { BUILD_PHASES, type BuildPhase, type PhaseTimings } from "@/lib/db/json-columns";

export type BuildStatus = BuildPhase | "SUCCEEDED" | "FAILED" | "CANCELLED";

export function toBuildStatus(status: string): BuildStatus {
  const s = status.toLowerCase();
  if (s.includes("succeeded")) return "SUCCEEDED";
  if (s.includes("fail")) return "FAILED";
  if (s.startsWith("cancel")) return "CANCELLED";
  if (s.includes("acr")) return "PROVISIONING_ACR";
  if (s === "running") return "RUNNING";
  return "QUEUED";
}

export function isFinished(status: BuildStatus): status is "SUCCEEDED" | "FAILED" | "CANCELLED" {
  return status === "SUCCEEDED" || status === "FAILED" || status === "CANCELLED";
}

/** Phase timings from the polls: a phase starts when first seen and ends when the next one starts. */
export function recordPhase(timings: PhaseTimings, phase: BuildStatus, now = new Date().toISOString()): PhaseTimings {
  const next: PhaseTimings = { ...timings };
  for (const p of BUILD_PHASES) {
    const span = next[p];
    if (span && !span.end && p !== phase) next[p] = { ...span, end: now };
  }
  if (isPhase(phase) && !next[phase]) next[phase] = { start: now };
  return next;
}

function isPhase(status: BuildStatus): status is BuildPhase {
  return (BUILD_PHASES as readonly string[]).includes(status);
}
