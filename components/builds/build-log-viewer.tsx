"use client";

import { useEffect, useId, useMemo, useRef, useState } from "react";
import { formatBytes } from "@/lib/builds/format-build";

const MAX_LINES = 20_000;
const PAGE_BYTES = 256 * 1024;

interface Props {
  buildId: string;
  /** The server-rendered tail: bytes [start, end) of the log. */
  initialText: string;
  start: number;
  end: number;
  isFinished: boolean;
}

/**
 * The build log: the server renders the last 256 KB; a running build's new lines arrive over
 * SSE (resuming from the last byte shown); earlier parts load by HTTP Range on request. The
 * browser keeps at most 20,000 lines, so a 50 MB log is never loaded whole here either.
 */
export function BuildLogViewer({ buildId, initialText, start, end, isFinished }: Props) {
  const [log, setLog] = useState(() => ({ ...splitText(initialText), first: start }));
  const { lines, partial, first } = log;
  const [last, setLast] = useState(end);
  const [state, setState] = useState<"live" | "done" | "reconnecting">(isFinished ? "done" : "live");
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState("");
  const [isLoadingEarlier, setLoadingEarlier] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const scroller = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (isFinished) return;
    const source = new EventSource(`/api/v1/builds/${buildId}/log/stream?from=${end}`);
    source.addEventListener("log", (e) => {
      const event = JSON.parse((e as MessageEvent<string>).data) as { from: number; to: number; text: string };
      setLog((prev) => appendText(prev, event.text));
      setLast(event.to);
      setState("live");
    });
    source.addEventListener("end", (e) => {
      const event = JSON.parse((e as MessageEvent<string>).data) as { status: string };
      setState("done");
      setAnnouncement(`Build finished: ${event.status.toLowerCase()}.`);
      source.close();
    });
    source.onerror = () => setState((s) => (s === "done" ? s : "reconnecting"));
    return () => source.close();
  }, [buildId, end, isFinished]);

  useEffect(() => {
    if (follow && !query && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
  }, [lines, follow, query]);

  async function loadEarlier() {
    setLoadingEarlier(true);
    try {
      const from = Math.max(0, first - PAGE_BYTES);
      const res = await fetch(`/api/v1/builds/${buildId}/log`, { headers: { Range: `bytes=${from}-${first - 1}` } });
      if (res.status !== 206 && res.status !== 200) throw new Error(String(res.status));
      const text = await res.text();
      // A range may start mid-line (or mid-character): drop the partial first line unless at byte 0.
      const earlier = splitText(text).lines;
      const whole = from === 0 ? earlier : earlier.slice(1);
      const dropped = from === 0 ? 0 : byteLength(`${earlier[0] ?? ""}\n`);
      setLog((prev) => ({ ...prev, lines: [...whole, ...prev.lines], first: from + dropped }));
      setAnnouncement(`Loaded ${whole.length} earlier lines.`);
    } catch {
      setAnnouncement("Earlier lines could not be loaded; try again.");
    } finally {
      setLoadingEarlier(false);
    }
  }

  const matches = useMemo(() => {
    if (!query) return null;
    const needle = query.toLowerCase();
    return lines.map((l, i) => [i, l] as const).filter(([, l]) => l.toLowerCase().includes(needle));
  }, [lines, query]);

  return (
    <section aria-labelledby={`${id}-h`} className="rounded-xl border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-4">
        <h2 id={`${id}-h`} className="mr-auto text-lg font-semibold text-slate-900">Log</h2>
        <p className="text-xs text-slate-600" data-testid="log-state">
          {state === "live" ? "● Live" : state === "reconnecting" ? "Reconnecting…" : "Complete"} · showing bytes {first.toLocaleString("en")}–{last.toLocaleString("en")} ({formatBytes(last)})
        </p>
        <div>
          <label htmlFor={`${id}-search`} className="block text-xs font-medium text-slate-700">Search the log</label>
          <input id={`${id}-search`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. ERROR" className="mt-1 rounded-lg border border-slate-300 px-2.5 py-1 text-sm" />
        </div>
        <label className="flex items-center gap-1.5 text-sm text-slate-700">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <a href={`/api/v1/builds/${buildId}/log?download=1`} className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50" download>
          Download log
        </a>
      </div>
      <p aria-live="polite" className="sr-only">{announcement}{matches ? ` ${matches.length} matching lines.` : ""}</p>
      {first > 0 ? (
        <div className="border-b border-slate-100 px-4 py-2">
          <button type="button" onClick={loadEarlier} disabled={isLoadingEarlier} className="text-sm font-medium text-sky-800 underline disabled:opacity-60">
            {isLoadingEarlier ? "Loading…" : `Load earlier lines (${formatBytes(first)} before this)`}
          </button>
        </div>
      ) : null}
      {matches ? <p className="px-4 pt-2 text-xs text-slate-600">{matches.length} of {lines.length} loaded lines match “{query}”.</p> : null}
      <div ref={scroller} tabIndex={0} role="log" aria-label="Build log lines" data-testid="build-log" className="max-h-[32rem] overflow-auto bg-slate-950 px-4 py-3 font-mono text-xs leading-5 text-slate-100">
        {(matches ?? lines.map((l, i) => [i, l] as const)).map(([i, l]) => (
          <div key={i} className="whitespace-pre-wrap break-all">
            {query ? <Highlight text={l} query={query} /> : l || "\u00a0"}
          </div>
        ))}
        {partial && !matches ? <div className="whitespace-pre-wrap break-all">{partial}</div> : null}
        {lines.length === 0 && !partial ? <p className="text-slate-400">{state === "done" ? "This build wrote no log." : "Waiting for the first log lines…"}</p> : null}
      </div>
    </section>
  );
}

function Highlight({ text, query }: { text: string; query: string }) {
  const i = text.toLowerCase().indexOf(query.toLowerCase());
  if (i < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, i)}
      <mark className="bg-amber-300 text-slate-900">{text.slice(i, i + query.length)}</mark>
      {text.slice(i + query.length)}
    </>
  );
}

interface LogState {
  /** Complete lines. */
  lines: string[];
  /** The last line while its newline has not arrived yet. */
  partial: string;
  /** Byte offset of the first line shown. */
  first: number;
}

function splitText(text: string): { lines: string[]; partial: string } {
  const lines = text ? text.split("\n") : [];
  const partial = lines.pop() ?? "";
  return { lines, partial };
}

/** Appends streamed text; beyond 20,000 lines the oldest are dropped (they stay loadable by range). */
function appendText(prev: LogState, text: string): LogState {
  const { lines: added, partial } = splitText(prev.partial + text);
  const lines = prev.lines.concat(added);
  if (lines.length <= MAX_LINES) return { lines, partial, first: prev.first };
  const dropped = lines.slice(0, lines.length - MAX_LINES);
  return { lines: lines.slice(lines.length - MAX_LINES), partial, first: prev.first + dropped.reduce((n, l) => n + byteLength(l) + 1, 0) };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
