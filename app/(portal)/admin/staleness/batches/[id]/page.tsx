import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { AccessDenied } from "@/components/auth/access-denied";
import { BatchAutoRefresh } from "@/components/staleness/batch-auto-refresh";
import { PageHeader } from "@/components/ui/page-header";
import { StatusPill, type StatusTone } from "@/components/ui/status-pill";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { formatUtc } from "@/lib/builds/format-build";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { getRebuildBatch, type RebuildItemState } from "@/lib/staleness/rebuild-batch";
import { STALE_REASON_LABELS, STALE_REASON_KINDS, type StaleReasonKind } from "@/lib/staleness/stale-reasons";

export const metadata: Metadata = { title: "Batch rebuild · Admin" };

const STATE: Record<RebuildItemState, { label: string; tone: StatusTone }> = {
  queued: { label: "Queued", tone: "neutral" },
  rebuilding: { label: "Rebuilding", tone: "warn" },
  fresh: { label: "Fresh", tone: "good" },
  failed: { label: "Failed", tone: "bad" },
};

export default async function RebuildBatchPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "admin")) return <AccessDenied section="Admin" />;
  const batch = await getRebuildBatch(getDb(), user, (await params).id).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const label = (STALE_REASON_KINDS as readonly string[]).includes(batch.reasonKind) ? STALE_REASON_LABELS[batch.reasonKind as StaleReasonKind] : batch.reasonKind;
  const { totals } = batch;
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, registries, teams, stale environments, settings and the audit trail." />
      <AdminNav />
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/admin/staleness" className="text-sky-800 underline underline-offset-2">Stale environments</Link>
        <span aria-hidden="true" className="mx-1 text-slate-400">/</span>
        <span className="text-slate-600">Batch rebuild</span>
      </nav>
      <section aria-labelledby="batch-heading" className="mb-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="batch-heading" className="text-lg font-semibold text-slate-900">
          {batch.isDone ? "Rebuilt" : "Rebuilding"} every environment stale because of {label.toLowerCase()} · <span className="font-mono text-sm break-all">{batch.reasonSubject}</span>
        </h2>
        <p className="mt-1 text-sm text-slate-600">Started <time dateTime={batch.createdAt.toISOString()}>{formatUtc(batch.createdAt)}</time>. Each environment is rebuilt as a new version; a request rebuilds one of its environments at a time.</p>
        <p role="status" aria-live="polite" data-testid="batch-status" className="mt-3 text-sm font-medium text-slate-900">
          {batch.isDone ? `Done: ${totals.fresh} of ${totals.all} fresh${totals.failed ? `, ${totals.failed} failed` : ""}.` : `In progress: ${totals.fresh} of ${totals.all} fresh, ${totals.rebuilding} rebuilding, ${totals.queued} queued${totals.failed ? `, ${totals.failed} failed` : ""}.`}
        </p>
        <BatchAutoRefresh isRunning={!batch.isDone} />
      </section>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Environments in this batch and their rebuilds</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-2">Environment</th>
              <th scope="col" className="px-4 py-2">Team</th>
              <th scope="col" className="px-4 py-2">Workspace</th>
              <th scope="col" className="px-4 py-2">Progress</th>
              <th scope="col" className="px-4 py-2">Rebuild</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {batch.items.map((item) => (
              <tr key={item.environmentId}>
                <td className="px-4 py-2 font-medium">
                  <Link href={`/builds/${item.fromBuildId}`} prefetch={false} className="text-sky-800 underline-offset-2 hover:underline">{item.name}:{item.version}</Link>
                </td>
                <td className="px-4 py-2 text-slate-700">{item.teamName}</td>
                <td className="px-4 py-2 text-slate-700">{item.workspaceName}</td>
                <td className="px-4 py-2">
                  <StatusPill tone={STATE[item.state].tone}>{STATE[item.state].label}</StatusPill>
                  {item.message ? <p className="mt-1 max-w-md text-xs text-red-800">{item.message}</p> : null}
                </td>
                <td className="px-4 py-2 text-slate-700">
                  {item.newBuildId ? <Link href={`/builds/${item.newBuildId}`} prefetch={false} className="text-sky-800 underline-offset-2 hover:underline">{item.name}:{item.newVersion}<span className="sr-only"> (the rebuild&apos;s build)</span></Link> : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
