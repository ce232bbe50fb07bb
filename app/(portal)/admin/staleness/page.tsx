import type { Metadata } from "next";
import Link from "next/link";
import { AdminNav } from "@/components/admin/admin-nav";
import { AccessDenied } from "@/components/auth/access-denied";
import { CheckNowButton } from "@/components/staleness/check-now-button";
import { RebuildAllButton } from "@/components/staleness/rebuild-all-button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { formatUtc } from "@/lib/builds/format-build";
import { getDb } from "@/lib/db/client";
import { listStaleEnvironments, STALE_LIST_LIMIT } from "@/lib/staleness/environment-health";
import { listRebuildBatches } from "@/lib/staleness/rebuild-batch";
import { STALE_REASON_LABELS, STALE_REASON_KINDS, type StaleReasonKind } from "@/lib/staleness/stale-reasons";

export const metadata: Metadata = { title: "Stale environments · Admin" };

export default async function AdminStalenessPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "admin")) return <AccessDenied section="Admin" />;
  const [overview, batches] = await Promise.all([listStaleEnvironments(getDb(), user), listRebuildBatches(getDb(), user)]);
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, registries, teams, stale environments, settings and the audit trail." />
      <AdminNav />
      <section aria-labelledby="stale-heading" className="mb-8">
        <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="stale-heading" className="text-lg font-semibold text-slate-900">Stale environments</h2>
          <div className="flex flex-wrap items-start gap-4">
            <p className="text-sm text-slate-700" data-testid="stale-count">
              <span className="text-2xl font-semibold text-slate-900">{overview.total}</span> stale environment {overview.total === 1 ? "version" : "versions"} in use
            </p>
            <CheckNowButton />
          </div>
        </div>
        {overview.isTruncated ? <p className="mb-3 text-sm text-slate-600">Listing the {STALE_LIST_LIMIT} stale the longest; rebuild them to see the rest.</p> : null}
        {overview.groups.length === 0 ? (
          <EmptyState title="Every environment is fresh">
            No environment version in use has a moved base image or a banned, revoked or yanked package. The staleness check marks them here when one does.
          </EmptyState>
        ) : (
          <ul className="space-y-4">
            {overview.groups.map((g) => {
              const label = `${STALE_REASON_LABELS[kindOf(g.kind)]}: ${g.subject}`;
              const headingId = `group-${g.kind}-${g.subject}`.replace(/[^\w-]/g, "-");
              return (
                <li key={`${g.kind}:${g.subject}`} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
                  <div className="mb-3 flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0">
                      <h3 id={headingId} className="text-base font-semibold text-slate-900">
                        {STALE_REASON_LABELS[kindOf(g.kind)]} · <span className="font-mono text-sm break-all">{g.subject}</span>
                      </h3>
                      <p className="mt-1 text-sm text-slate-600">{g.detail}</p>
                    </div>
                    <RebuildAllButton kind={kindOf(g.kind)} subject={g.subject} count={g.environments.length} label={label} />
                  </div>
                  <table className="min-w-full divide-y divide-slate-200 text-sm">
                    <caption className="sr-only">Environments stale because of {label}</caption>
                    <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                      <tr>
                        <th scope="col" className="py-1 pr-4">Environment</th>
                        <th scope="col" className="py-1 pr-4">Team</th>
                        <th scope="col" className="py-1 pr-4">Workspace</th>
                        <th scope="col" className="py-1">Stale since</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {g.environments.map((e) => (
                        <tr key={e.environmentId}>
                          <td className="py-1 pr-4 font-medium">
                            {e.buildId ? <Link href={`/builds/${e.buildId}`} prefetch={false} className="text-sky-800 underline-offset-2 hover:underline">{e.name}:{e.version}</Link> : `${e.name}:${e.version}`}
                          </td>
                          <td className="py-1 pr-4 text-slate-700">{e.teamName}</td>
                          <td className="py-1 pr-4 text-slate-700">{e.workspaceName}</td>
                          <td className="py-1 text-slate-700"><time dateTime={e.staleAt.toISOString()}>{formatUtc(e.staleAt)}</time></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section aria-labelledby="batches-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="batches-heading" className="mb-2 text-base font-semibold text-slate-900">Recent batch rebuilds</h2>
        {batches.length === 0 ? (
          <p className="text-sm text-slate-600">No batch rebuild yet. &ldquo;Rebuild all&rdquo; above starts one.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {batches.map((b) => (
              <li key={b.id} className="flex flex-wrap justify-between gap-2 py-1.5">
                <Link href={`/admin/staleness/batches/${b.id}`} className="text-sky-800 underline-offset-2 hover:underline">
                  {STALE_REASON_LABELS[kindOf(b.reasonKind)]}: {b.reasonSubject}
                </Link>
                <span className="text-slate-600">{b._count.items} {b._count.items === 1 ? "environment" : "environments"} · <time dateTime={b.createdAt.toISOString()}>{formatUtc(b.createdAt)}</time></span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function kindOf(kind: string): StaleReasonKind {
  return (STALE_REASON_KINDS as readonly string[]).includes(kind) ? (kind as StaleReasonKind) : "base-image";
}
