"use client";

import { useAction } from "next-safe-action/hooks";
import { useEffect, useRef, useState } from "react";
import { reorderFeedUpstreamsAction } from "@/lib/actions/policy";

export interface OrderedUpstream {
  id: string;
  name: string;
  /** What the read-only list shows for it, such as "pypi.org (pypi): all packages". */
  label: string;
}

type Direction = "up" | "down";

/**
 * The feed's upstreams in the order its group asks them, with move up / move down buttons and
 * Save order; the server re-checks the Approver or Admin role and a job applies the order.
 * `trailingIds` (revoked upstreams, offline and in no group) stay last, since the server wants
 * every upstream of the feed listed.
 */
export function UpstreamOrderEditor({ feedId, feedName, hostName, upstreams, trailingIds }: { feedId: string; feedName: string; hostName: string; upstreams: OrderedUpstream[]; trailingIds: string[] }) {
  const savedIds = upstreams.map((u) => u.id);
  const [draft, setDraft] = useState<string[]>(savedIds);
  const [status, setStatus] = useState("");
  const [focusTarget, setFocusTarget] = useState<{ id: string; direction: Direction } | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const { executeAsync, result, isPending } = useAction(reorderFeedUpstreamsAction);

  // The catalog re-renders while policy jobs run: keep the draft's order, drop upstreams that left, append new ones.
  const order = [...draft.filter((id) => savedIds.includes(id)), ...savedIds.filter((id) => !draft.includes(id))];
  const byId = new Map(upstreams.map((u) => [u.id, u]));
  const isDirty = order.some((id, i) => id !== savedIds[i]);

  useEffect(() => {
    if (focusTarget) buttons.current.get(`${focusTarget.id}:${focusTarget.direction}`)?.focus();
  }, [focusTarget, draft]);

  function move(id: string, direction: Direction) {
    const from = order.indexOf(id);
    const to = direction === "up" ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= order.length) return;
    const next = [...order];
    [next[from], next[to]] = [next[to] as string, next[from] as string];
    setDraft(next);
    setFocusTarget({ id, direction });
    setStatus(`${byId.get(id)?.name ?? "Upstream"} is now ${to + 1} of ${order.length}. Save order to apply it.`);
  }

  async function save() {
    setStatus("");
    const data = (await executeAsync({ feedId, upstreamIds: [...order, ...trailingIds] }))?.data;
    if (!data) return;
    setStatus(`Order saved: ${order.map((id) => byId.get(id)?.name ?? id).join(", ")}. A job is applying it to ${hostName}.`);
  }

  const error = result.serverError?.message ?? firstMessage(result.validationErrors?.upstreamIds) ?? "";
  return (
    <div>
      <ol aria-label={`Upstreams of ${feedName} in order`} className="mt-2 space-y-1 text-sm">
        {order.map((id, i) => {
          const u = byId.get(id);
          if (!u) return null;
          return (
            <li key={id} className="flex flex-wrap items-center gap-2">
              <span className="w-5 text-right text-slate-600">{i + 1}.</span>
              <span className="flex-1">{u.label}</span>
              <MoveButton direction="up" name={u.name} isDisabled={i === 0 || isPending} onMove={() => move(id, "up")} buttonRef={(el) => setRef(buttons.current, `${id}:up`, el)} />
              <MoveButton direction="down" name={u.name} isDisabled={i === order.length - 1 || isPending} onMove={() => move(id, "down")} buttonRef={(el) => setRef(buttons.current, `${id}:down`, el)} />
            </li>
          );
        })}
      </ol>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <button
          type="button"
          aria-disabled={!isDirty || isPending || undefined}
          onClick={() => {
            if (isDirty && !isPending) void save();
          }}
          className="rounded-lg bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700 aria-disabled:cursor-not-allowed aria-disabled:opacity-60"
        >
          {isPending ? "Saving order…" : "Save order"}
        </button>
        {isDirty && !isPending ? (
          <button
            type="button"
            onClick={() => {
              setDraft(savedIds);
              setFocusTarget(null);
              setStatus("Order reset to the saved one.");
            }}
            className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
          >
            Reset order
          </button>
        ) : null}
        <p role="status" aria-live="polite" className="text-xs text-slate-700">{status}</p>
      </div>
      {error ? <p role="alert" className="mt-1 text-xs text-red-700">{error}</p> : null}
    </div>
  );
}

/**
 * aria-disabled rather than disabled (here and on Save order): a button that just moved its
 * upstream to the top, or saved the order, keeps keyboard focus instead of dropping it to the page.
 */
function MoveButton({ direction, name, isDisabled, onMove, buttonRef }: { direction: Direction; name: string; isDisabled: boolean; onMove: () => void; buttonRef: (el: HTMLButtonElement | null) => void }) {
  return (
    <button
      type="button"
      ref={buttonRef}
      aria-label={`Move ${name} ${direction}`}
      aria-disabled={isDisabled || undefined}
      onClick={() => {
        if (!isDisabled) onMove();
      }}
      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 aria-disabled:cursor-not-allowed aria-disabled:opacity-40"
    >
      <span aria-hidden="true">{direction === "up" ? "↑" : "↓"}</span>
    </button>
  );
}

function setRef(map: Map<string, HTMLButtonElement>, key: string, el: HTMLButtonElement | null) {
  if (el) map.set(key, el);
  else map.delete(key);
}

/** The first message of a next-safe-action error node, which for an array field is one node per element. */
function firstMessage(node: { _errors?: string[] } | ({ _errors?: string[] } | undefined)[] | undefined): string | undefined {
  if (!node) return undefined;
  return (Array.isArray(node) ? node : [node]).flatMap((n) => n?._errors ?? [])[0];
}
