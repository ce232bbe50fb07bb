"use client";

import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { signOutUserEverywhereAction } from "@/lib/actions/admin";

export interface UserSessionRow {
  userId: string;
  name: string;
  email: string;
  liveSessions: number;
  /** ISO time of the latest activity of a live session, or null. */
  lastSeenAt: string | null;
}

/** Every user's live sessions, and "Sign out everywhere" for each (checked again on the server). */
export function UserSessions({ rows }: { rows: UserSessionRow[] }) {
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [pendingUser, setPendingUser] = useState<string | null>(null);
  const { execute, result, isPending } = useAction(signOutUserEverywhereAction, {
    onSuccess: ({ data }) => {
      if (data) setCounts((c) => ({ ...c, [data.userId]: data.liveSessions }));
    },
    onSettled: () => setPendingUser(null),
  });
  const nameOf = (id: string) => rows.find((r) => r.userId === id)?.name ?? "the user";
  const status = result.serverError?.message ?? (result.data ? `Signed ${nameOf(result.data.userId)} out everywhere: ${result.data.revoked} session${result.data.revoked === 1 ? "" : "s"} ended.` : "");
  return (
    <section aria-labelledby="sessions-heading" className="mb-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="sessions-heading" className="text-base font-semibold">Sessions</h2>
      <p className="mt-1 text-sm text-slate-500">Live portal sessions per person. Signing someone out everywhere ends every session at once, copies of their cookie included.</p>
      <div className="mt-4 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Live sessions per person</caption>
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-4">Person</th>
              <th scope="col" className="py-2 pr-4">Live sessions</th>
              <th scope="col" className="py-2 pr-4">Last active (UTC)</th>
              <th scope="col" className="py-2 pr-4"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => {
              const live = counts[r.userId] ?? r.liveSessions;
              return (
                <tr key={r.userId}>
                  <td className="py-2 pr-4">
                    {r.name} <span className="text-xs text-slate-500">{r.email}</span>
                  </td>
                  <td className="py-2 pr-4" data-testid={`live-sessions-${r.userId}`}>{live}</td>
                  <td className="whitespace-nowrap py-2 pr-4 font-mono text-xs">{live > 0 && r.lastSeenAt ? r.lastSeenAt.replace("T", " ").slice(0, 19) : "—"}</td>
                  <td className="py-2 pr-4 text-right">
                    <button
                      type="button"
                      disabled={isPending || live === 0}
                      aria-label={`Sign ${r.name} out everywhere`}
                      onClick={() => {
                        setPendingUser(r.userId);
                        execute({ userId: r.userId });
                      }}
                      className="rounded-lg border border-slate-300 px-3 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-50"
                    >
                      {pendingUser === r.userId ? "Signing out…" : "Sign out everywhere"}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p role="status" aria-live="polite" className="mt-3 text-sm text-slate-700">{status}</p>
    </section>
  );
}
