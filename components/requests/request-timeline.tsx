"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { StageState, TimelineEvent, TimelineSnapshot } from "@/lib/requests/get-request-timeline";
import { RequestControls } from "./request-controls";
import { RequestStatusBadge } from "./request-status-badge";

const STAGE_STYLE: Record<StageState, { icon: string; label: string; className: string }> = {
  pending: { icon: "○", label: "Not started", className: "border-slate-200 bg-white text-slate-600" },
  running: { icon: "◐", label: "In progress", className: "border-sky-300 bg-sky-50 text-sky-900" },
  succeeded: { icon: "✓", label: "Done", className: "border-emerald-300 bg-emerald-50 text-emerald-900" },
  failed: { icon: "✕", label: "Failed", className: "border-red-300 bg-red-50 text-red-900" },
  cancelled: { icon: "–", label: "Cancelled", className: "border-slate-300 bg-slate-100 text-slate-700" },
};

const CANCELLABLE = ["SUBMITTED", "AWAITING_UPSTREAM", "APPROVED", "PROVISIONING", "FAILED"];

/**
 * The live orchestration timeline: the server renders the first snapshot, then an EventSource
 * on /api/v1/requests/{id}/events appends job events and replaces the snapshot as it changes.
 * EventSource reconnects by itself with Last-Event-ID, so a dropped connection loses nothing.
 */
export function RequestTimeline({ initial, initialEvents, canAct }: { initial: TimelineSnapshot; initialEvents: TimelineEvent[]; canAct: boolean }) {
  const [snapshot, setSnapshot] = useState(initial);
  const [events, setEvents] = useState(initialEvents);
  const [connection, setConnection] = useState<"live" | "reconnecting" | "ended">(initial.isSettled ? "ended" : "live");
  const [generation, setGeneration] = useState(0);
  const lastId = useRef(initialEvents.at(-1)?.id ?? 0);

  useEffect(() => {
    if (initial.isSettled && generation === 0) return;
    const source = new EventSource(`/api/v1/requests/${initial.requestId}/events?after=${lastId.current}`);
    source.addEventListener("job", (e) => {
      const event = JSON.parse((e as MessageEvent<string>).data) as TimelineEvent;
      if (event.id <= lastId.current) return;
      lastId.current = event.id;
      setEvents((list) => [...list, event]);
    });
    source.addEventListener("snapshot", (e) => setSnapshot(JSON.parse((e as MessageEvent<string>).data) as TimelineSnapshot));
    source.addEventListener("end", () => {
      setConnection("ended");
      source.close();
    });
    source.onopen = () => setConnection("live");
    source.onerror = () => setConnection((c) => (c === "ended" ? c : "reconnecting"));
    return () => source.close();
  }, [initial.requestId, initial.isSettled, generation]);

  const latest = events.at(-1);
  const failedStage = snapshot.stages.find((s) => s.state === "failed");
  const failedBuilds = snapshot.builds.filter((b) => b.status === "FAILED");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <RequestStatusBadge status={snapshot.status} />
          <span className="text-xs text-slate-600" data-testid="stream-state">
            {connection === "live" ? "● Live" : connection === "reconnecting" ? "Reconnecting…" : "Up to date"}
          </span>
        </div>
        {canAct ? (
          <RequestControls
            // A fresh control (no stale "Retrying…" line) once the request is ready.
            key={snapshot.status === "READY" ? "ready" : "active"}
            requestId={snapshot.requestId}
            canCancel={CANCELLABLE.includes(snapshot.status)}
            canRetry={(snapshot.status === "FAILED" || snapshot.status === "CANCELLED") && snapshot.job !== null && !["QUEUED", "RUNNING", "WAITING"].includes(snapshot.job.status)}
            onChanged={() => {
              setConnection("live");
              setGeneration((g) => g + 1);
            }}
          />
        ) : null}
      </div>

      <p role="status" aria-live="polite" className="sr-only">
        {latest ? latest.message : ""}
      </p>

      {snapshot.statusReason ? (
        <div role={snapshot.status === "FAILED" ? "alert" : undefined} className={`rounded-xl border p-4 text-sm ${snapshot.status === "FAILED" || snapshot.status === "DECLINED" ? "border-red-200 bg-red-50 text-red-900" : "border-slate-200 bg-slate-50 text-slate-800"}`}>
          <p className="font-semibold">{snapshot.status === "FAILED" ? "What went wrong" : "Status"}</p>
          <p className="mt-1">{snapshot.statusReason}</p>
          {failedStage?.next ? (
            <p className="mt-2">
              <span className="font-semibold">Next step: </span>
              {failedStage.next}
            </p>
          ) : null}
        </div>
      ) : null}

      {snapshot.status === "SUBMITTED" || snapshot.status === "AWAITING_UPSTREAM" ? (
        <p className="rounded-xl border border-sky-200 bg-sky-50 p-4 text-sm text-sky-900">
          {snapshot.status === "SUBMITTED" ? "Waiting for an approver. Provisioning starts by itself once the request is approved; this page updates live." : "Approved, and waiting for an approver to decide the upstream sources you proposed."}
        </p>
      ) : null}

      <ol aria-label="Provisioning stages" className="grid gap-3 md:grid-cols-4">
        {snapshot.stages.map((s, i) => {
          const style = STAGE_STYLE[s.state];
          return (
            <li key={s.step} className={`rounded-xl border p-4 ${style.className}`} data-testid={`stage-${s.step}`} data-state={s.state}>
              <p className="text-xs font-medium uppercase tracking-wide opacity-80">Stage {i + 1}</p>
              <p className="mt-1 font-semibold">
                <span aria-hidden="true" className={s.state === "running" ? "inline-block animate-spin" : ""}>
                  {style.icon}
                </span>{" "}
                {s.label}
              </p>
              <p className="mt-1 text-xs">{style.label}</p>
            </li>
          );
        })}
      </ol>

      {snapshot.deployments.length ? (
        <section aria-labelledby="deployments-heading" className="space-y-3">
          <h2 id="deployments-heading" className="text-base font-semibold text-slate-900">
            ARM deployments
          </h2>
          {snapshot.deployments.map((d) => {
            const done = d.operations.filter((o) => o.state === "Succeeded").length;
            return (
              <div key={d.id} className="rounded-xl border border-slate-200 bg-white p-4">
                <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
                  <p>
                    <span className="font-semibold">{d.template}</span> <span className="text-slate-600">in {d.resourceGroup}</span>
                  </p>
                  <p className="text-slate-700">
                    {d.state} · {done} of {d.operations.length} resources
                  </p>
                </div>
                {d.operations.length ? (
                  <progress className="mt-2 h-2 w-full" max={d.operations.length} value={done} aria-label={`${d.template}: ${done} of ${d.operations.length} resources deployed`} />
                ) : null}
                {d.error ? <p className="mt-2 text-sm text-red-800">{d.error}</p> : null}
                {d.operations.length ? (
                  <ul className="mt-3 grid gap-1 text-xs sm:grid-cols-2">
                    {d.operations.map((o) => (
                      <li key={`${o.resourceType}/${o.resourceName}`} className="flex justify-between gap-2 rounded bg-slate-50 px-2 py-1">
                        <span className="truncate font-mono" title={`${o.resourceType}/${o.resourceName}`}>
                          {o.resourceName || o.resourceType}
                        </span>
                        <span className={o.state === "Failed" ? "font-semibold text-red-800" : o.state === "Succeeded" ? "text-emerald-800" : "text-slate-700"}>{o.state}</span>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            );
          })}
        </section>
      ) : null}

      {snapshot.builds.length ? (
        <section aria-labelledby="builds-heading" className="space-y-2">
          <h2 id="builds-heading" className="text-base font-semibold text-slate-900">
            Environment builds
          </h2>
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white">
            {snapshot.builds.map((b) => (
              <li key={b.id} className="px-4 py-3 text-sm">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <Link href={`/builds/${b.id}`} prefetch={false} className="font-medium text-sky-800 underline">
                    {b.environment} (attempt {b.attempt})
                  </Link>
                  <span>{b.status}</span>
                </div>
                {b.status === "FAILED" && b.guidance ? (
                  <p className="mt-1 text-red-800">
                    {b.failureClass}: {b.guidance}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          {failedBuilds.length ? <p className="text-xs text-slate-600">Open a build for its full log.</p> : null}
        </section>
      ) : null}

      <section aria-labelledby="events-heading">
        <h2 id="events-heading" className="mb-2 text-base font-semibold text-slate-900">
          Activity
        </h2>
        {events.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing has happened yet. Events appear here as soon as provisioning starts.</p>
        ) : (
          <ol tabIndex={0} aria-labelledby="events-heading" className="max-h-96 space-y-1 overflow-auto rounded-xl border border-slate-200 bg-white p-3 font-mono text-xs" data-testid="timeline-events">
            {events.map((e) => (
              <li key={e.id} className={e.type.includes("failed") ? "text-red-800" : "text-slate-700"}>
                <time dateTime={e.at}>{e.at.slice(11, 19)}</time> {e.step ? <span className="text-slate-500">[{e.step}]</span> : null} {e.message}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
