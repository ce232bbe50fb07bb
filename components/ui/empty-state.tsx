import type { ReactNode } from "react";

/** A designed placeholder: what will be here, and what a person can do meanwhile. */
export function EmptyState({ title, children, points, action }: { title: string; children: ReactNode; points?: string[]; action?: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-2xl border border-dashed border-slate-300 bg-white px-8 py-12 text-center">
      <div className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-sky-50 text-sky-600">
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth={1.8}>
          <path d="M12 6v6l4 2M12 22a10 10 0 110-20 10 10 0 010 20z" strokeLinecap="round" />
        </svg>
      </div>
      <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
      <div className="mx-auto mt-2 max-w-xl text-sm text-slate-600">{children}</div>
      {points?.length ? (
        <ul className="mx-auto mt-6 grid max-w-2xl gap-2 text-left text-sm text-slate-700 sm:grid-cols-2">
          {points.map((p) => (
            <li key={p} className="flex gap-2 rounded-lg bg-slate-50 px-3 py-2">
              <span aria-hidden="true" className="text-sky-600">✓</span>
              {p}
            </li>
          ))}
        </ul>
      ) : null}
      {action ? <div className="mt-6">{action}</div> : null}
    </section>
  );
}
