import type { ReactNode } from "react";
import type { AuditEvent } from "@/generated/prisma/client";
import { AUDIT_ACTIONS } from "@/lib/audit/audit-actions";
import type { AuditFilter } from "@/lib/audit/audit-filter";

/** The audit trail table with its filter form (a plain GET form: filters live in the URL). */
export function AuditTrail({ events, filter, pager }: { events: AuditEvent[]; filter: AuditFilter; pager: ReactNode }) {
  return (
    <section aria-labelledby="audit-trail" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="audit-trail" className="text-base font-semibold">Audit trail</h2>
      <p className="mt-1 text-sm text-slate-500">Every sign-in, decision and change, newest first. Rows are append-only.</p>
      <form method="get" action="/admin" className="mt-4 flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-700">Action</span>
          <select name="action" defaultValue={filter.action ?? ""} className="rounded-lg border border-slate-300 px-2 py-1.5">
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-700">Actor (name or id)</span>
          <input name="actor" defaultValue={filter.actor ?? ""} className="rounded-lg border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-700">From</span>
          <input type="date" name="from" defaultValue={filter.from ?? ""} className="rounded-lg border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-700">To</span>
          <input type="date" name="to" defaultValue={filter.to ?? ""} className="rounded-lg border border-slate-300 px-2 py-1.5" />
        </label>
        <button type="submit" className="rounded-lg bg-slate-900 px-3 py-1.5 font-semibold text-white hover:bg-slate-800">Filter</button>
      </form>
      {events.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600">No audit events match these filters.</p>
      ) : (
        <div className="mt-6 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Audit events</caption>
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4">When (UTC)</th>
                <th scope="col" className="py-2 pr-4">Actor</th>
                <th scope="col" className="py-2 pr-4">Action</th>
                <th scope="col" className="py-2 pr-4">Target</th>
                <th scope="col" className="py-2 pr-4">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className="whitespace-nowrap py-2 pr-4 font-mono text-xs">{e.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="py-2 pr-4">{e.actorName ?? e.actorOid}</td>
                  <td className="py-2 pr-4"><code className="text-xs">{e.action}</code></td>
                  <td className="py-2 pr-4 text-xs">{e.targetType}{e.targetId ? ` ${e.targetId}` : ""}</td>
                  <td className="py-2 pr-4 text-xs text-slate-600">
                    <code className="break-all">{JSON.stringify({ before: e.before ?? undefined, after: e.after ?? undefined })}</code>
                    <span className="block text-slate-400">correlation {e.correlationId}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="mt-4">{pager}</div>
    </section>
  );
}
