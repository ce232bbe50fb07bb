"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import type { BuildFilters } from "@/lib/builds/build-filters";

type Option = { id: string; name: string };
/** [value, label] pairs of a select. */
type Choice = [string, string];

/**
 * The dashboard's filters. The URL is the state: every change replaces the query string (and the
 * cursor is dropped, since a new filter starts a new list), so reload and shared links show the
 * same view. Without JavaScript it is a plain GET form. The status and failure-class choices come
 * from the server page, so the filter schema (and zod) stay out of the browser bundle.
 */
export function BuildFiltersForm({ filters, teams, workspaces, statuses, failureClasses }: { filters: BuildFilters; teams: Option[]; workspaces: (Option & { teamId: string })[]; statuses: Choice[]; failureClasses: Choice[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [isPending, startTransition] = useTransition();
  const [q, setQ] = useState(filters.q ?? "");
  const id = useId();
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  function update(key: string, value: string) {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("cursor");
    if (key === "team" && value) {
      const ws = next.get("workspace");
      if (ws && !workspaces.some((w) => w.id === ws && w.teamId === value)) next.delete("workspace");
    }
    const query = next.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  }

  const visibleWorkspaces = filters.team ? workspaces.filter((w) => w.teamId === filters.team) : workspaces;
  const field = "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900";
  const label = "block text-xs font-medium text-slate-700";
  return (
    <form role="search" aria-label="Filter builds" method="get" action={pathname} className="mb-6 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-8" onSubmit={(e) => { e.preventDefault(); update("q", q.trim()); }}>
      <div className="sm:col-span-2">
        <label htmlFor={`${id}-q`} className={label}>Environment name</label>
        <input
          id={`${id}-q`}
          name="q"
          type="search"
          value={q}
          placeholder="e.g. pytorch"
          maxLength={100}
          className={field}
          onChange={(e) => {
            const value = e.target.value;
            setQ(value);
            clearTimeout(debounce.current);
            debounce.current = setTimeout(() => update("q", value.trim()), 350);
          }}
        />
      </div>
      <Select id={`${id}-team`} name="team" label="Team" value={filters.team} onChange={update} options={teams.map((t) => [t.id, t.name])} all="All teams" />
      <Select id={`${id}-workspace`} name="workspace" label="Workspace" value={filters.workspace} onChange={update} options={visibleWorkspaces.map((w) => [w.id, w.name])} all="All workspaces" />
      <Select id={`${id}-status`} name="status" label="Status" value={filters.status} onChange={update} options={statuses} all="Any status" />
      <Select id={`${id}-failure`} name="failureClass" label="Failure class" value={filters.failureClass} onChange={update} options={failureClasses} all="Any failure" />
      <div>
        <label htmlFor={`${id}-from`} className={label}>Queued from</label>
        <input id={`${id}-from`} name="from" type="date" defaultValue={filters.from ?? ""} key={`from-${filters.from ?? ""}`} className={field} onChange={(e) => update("from", e.target.value)} />
      </div>
      <div>
        <label htmlFor={`${id}-to`} className={label}>Queued to</label>
        <input id={`${id}-to`} name="to" type="date" defaultValue={filters.to ?? ""} key={`to-${filters.to ?? ""}`} className={field} onChange={(e) => update("to", e.target.value)} />
      </div>
      <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-4 xl:col-span-8">
        <Select id={`${id}-sort`} name="sort" label="Sort" value={filters.sort === "newest" ? undefined : filters.sort} onChange={update} options={[["oldest", "Oldest first"]]} all="Newest first" />
        <div className="flex items-center gap-2 self-end pb-1.5">
          <input id={`${id}-stale`} name="stale" type="checkbox" value="1" checked={filters.stale === true} onChange={(e) => update("stale", e.target.checked ? "1" : "")} className="h-4 w-4 rounded border-slate-300" />
          <label htmlFor={`${id}-stale`} className="text-sm text-slate-800">Stale environments only</label>
        </div>
        <button type="submit" className="rounded-lg bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700">Apply</button>
        <button type="button" className="rounded-lg px-3 py-1.5 text-sm font-medium text-slate-700 underline-offset-2 hover:underline" onClick={() => {
            setQ("");
            startTransition(() => router.replace(pathname, { scroll: false }));
          }}>
          Clear filters
        </button>
        <p aria-live="polite" className="ml-auto text-xs text-slate-500">{isPending ? "Updating builds…" : ""}</p>
      </div>
    </form>
  );
}

function Select({ id, name, label, value, options, all, onChange }: { id: string; name: keyof BuildFilters; label: string; value: string | undefined; options: [string, string][]; all: string; onChange: (key: string, value: string) => void }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">{label}</label>
      <select id={id} name={name} value={value ?? ""} onChange={(e) => onChange(name, e.target.value)} className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900">
        <option value="">{all}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>{text}</option>
        ))}
      </select>
    </div>
  );
}
