"use client";

import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";

interface Item {
  id: string;
  kind: string;
  title: string;
  detail: string;
  href: string;
  at: string;
  isUnread: boolean;
}

type ListState = { state: "idle" } | { state: "loading" } | { state: "error" } | { state: "ready"; items: Item[] };

const POLL_MS = 30_000;

/**
 * The header badge and its list. The server renders the first count; the bell refreshes it
 * every 30 s and on opening. "Mark all as seen" clears updates; decisions still waiting stay.
 */
export function NotificationBell({ initialCount }: { initialCount: number }) {
  const panelId = useId();
  const [count, setCount] = useState(initialCount);
  const [isOpen, setIsOpen] = useState(false);
  const [list, setList] = useState<ListState>({ state: "idle" });
  const [status, setStatus] = useState("");
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  const refreshCount = useCallback(async () => {
    const res = await fetch("/api/v1/notifications?count", { cache: "no-store" }).catch(() => null);
    if (res?.ok) setCount(((await res.json()) as { count: number }).count);
  }, []);

  useEffect(() => {
    const timer = setInterval(() => void refreshCount(), POLL_MS);
    return () => clearInterval(timer);
  }, [refreshCount]);

  useEffect(() => {
    if (!isOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setIsOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (!panelRef.current?.contains(e.target as Node) && !buttonRef.current?.contains(e.target as Node)) setIsOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [isOpen]);

  async function open() {
    if (isOpen) return setIsOpen(false);
    setIsOpen(true);
    setList({ state: "loading" });
    const res = await fetch("/api/v1/notifications", { cache: "no-store" }).catch(() => null);
    if (!res?.ok) return setList({ state: "error" });
    const body = (await res.json()) as { count: number; items: Item[] };
    setList({ state: "ready", items: body.items });
    void refreshCount();
  }

  async function markSeen() {
    const res = await fetch("/api/v1/notifications/seen", { method: "POST" }).catch(() => null);
    if (!res?.ok) return setStatus("Could not mark notifications as seen; try again.");
    setList((l) => (l.state === "ready" ? { state: "ready", items: l.items.map((i) => (i.kind === "needs-decision" ? i : { ...i, isUnread: false })) } : l));
    await refreshCount();
    setStatus("Marked as seen.");
  }

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        onClick={open}
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={count ? `Notifications, ${count} new` : "Notifications"}
        className="relative rounded-lg border border-slate-300 p-2 text-slate-700 hover:bg-slate-50"
      >
        <BellIcon />
        {count > 0 ? (
          <span data-testid="notification-count" className="absolute -right-1.5 -top-1.5 min-w-5 rounded-full bg-red-700 px-1.5 text-center text-xs font-semibold leading-5 text-white">
            {count > 99 ? "99+" : count}
          </span>
        ) : null}
      </button>
      <div
        ref={panelRef}
        id={panelId}
        role="region"
        aria-label="Notifications"
        hidden={!isOpen}
        className="absolute right-0 z-40 mt-2 w-96 max-w-[90vw] rounded-xl border border-slate-200 bg-white p-4 shadow-lg"
      >
        <div className="flex items-center justify-between gap-2">
          <h2 className="text-sm font-semibold text-slate-900">Notifications</h2>
          <button type="button" onClick={markSeen} className="rounded-md px-2 py-1 text-xs font-medium text-sky-800 hover:bg-sky-50">Mark all as seen</button>
        </div>
        <p role="status" aria-live="polite" className="text-xs text-slate-600">{list.state === "loading" ? "Loading…" : status}</p>
        {list.state === "error" ? <p className="mt-2 text-sm text-red-800">Notifications could not be loaded. Close and open again.</p> : null}
        {list.state === "ready" && list.items.length === 0 ? <p className="mt-2 text-sm text-slate-600">Nothing needs you, and nothing changed.</p> : null}
        {list.state === "ready" && list.items.length ? (
          <ul className="mt-2 max-h-96 divide-y divide-slate-100 overflow-y-auto">
            {list.items.map((i) => (
              <li key={i.id} className="py-2">
                <Link href={i.href} onClick={() => setIsOpen(false)} className="block rounded px-1 hover:bg-slate-50">
                  <span className="flex items-center gap-2 text-sm font-medium text-slate-900">
                    {i.isUnread ? <span className="h-2 w-2 shrink-0 rounded-full bg-sky-600" aria-label="new" role="img" /> : null}
                    {i.title}
                  </span>
                  {i.detail ? <span className="block text-xs text-slate-600">{i.detail}</span> : null}
                </Link>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

/** The bell while its count streams in: same size and place, nothing to press yet. */
export function NotificationBellPlaceholder() {
  return (
    <span aria-hidden="true" className="block rounded-lg border border-slate-200 p-2 text-slate-400">
      <BellIcon />
    </span>
  );
}

function BellIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8}>
      <path d="M6 8a6 6 0 1112 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 003.4 0" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
