import { checkUpstreamReachabilityCached } from "@/lib/upstreams/check-upstream-reachability";

/** Server component, streamed inside Suspense: the URL check never holds up the queue. */
export async function UpstreamReachability({ url }: { url: string }) {
  const r = await checkUpstreamReachabilityCached(url);
  if (r.state === "answered") {
    return <span className="text-xs font-medium text-emerald-800">URL answered {r.status} in {r.ms} ms</span>;
  }
  if (r.state === "refused") return <span className="text-xs font-medium text-red-800">Not checked: {r.detail}</span>;
  return <span className="text-xs font-medium text-amber-800">URL did not answer ({r.detail})</span>;
}

export function ReachabilityPending() {
  return <span className="text-xs text-slate-600">Checking whether the URL answers…</span>;
}
