import type { Metadata } from "next";
import Link from "next/link";
import { AccessDenied } from "@/components/auth/access-denied";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { formatUtc } from "@/lib/builds/format-build";
import { listDeployments } from "@/lib/builds/list-deployments";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Deployments" };

const STATE_TONES: Record<string, string> = {
  Succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  Failed: "bg-red-50 text-red-800 ring-red-300",
  Canceled: "bg-amber-50 text-amber-900 ring-amber-300",
};

export default async function DeploymentsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "builds")) return <AccessDenied section="Deployments" />;
  const deployments = await listDeployments(getDb(), user);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/builds" className="text-sky-800 underline underline-offset-2">Builds</Link>
      </nav>
      <PageHeader title="Deployments" description="ARM deployments of your teams' requests: progress per resource, and the error of each resource that failed." />
      {deployments.length === 0 ? (
        <EmptyState title="No deployments yet">Deployments appear here when an approved request provisions its workspace network and feed host.</EmptyState>
      ) : (
        <ul className="space-y-4">
          {deployments.map((d) => (
            <li key={d.id}>
              <section aria-labelledby={`dep-${d.id}`} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
                <div className="flex flex-wrap items-center gap-3">
                  <h2 id={`dep-${d.id}`} className="mr-auto font-mono text-sm font-semibold text-slate-900">{d.name}</h2>
                  <State state={d.state} />
                </div>
                <p className="mt-1 text-xs text-slate-600">
                  Resource group {d.resourceGroup} · started {formatUtc(d.startedAt)}
                  {d.finishedAt ? ` · finished ${formatUtc(d.finishedAt)}` : ""}
                  {d.request ? (
                    <>
                      {" · "}
                      <Link href={`/requests/${d.request.id}`} prefetch={false} className="text-sky-800 underline">{d.request.title}</Link> ({d.request.teamName})
                    </>
                  ) : null}
                </p>
                <div className="mt-3">
                  <label className="text-xs text-slate-600" htmlFor={`p-${d.id}`}>
                    {d.progress.done} of {d.progress.total} resources done{d.progress.failed ? `, ${d.progress.failed} failed` : ""}
                  </label>
                  <progress id={`p-${d.id}`} className="mt-1 block h-2 w-full" max={Math.max(1, d.progress.total)} value={d.progress.done} />
                </div>
                {d.error ? <p role="note" className="mt-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900">{d.error}</p> : null}
                {d.operations.length ? (
                  <table className="mt-3 min-w-full text-left text-sm">
                    <caption className="sr-only">Resources of {d.name}</caption>
                    <thead className="text-xs uppercase text-slate-500">
                      <tr><th scope="col" className="py-1 pr-4">Resource</th><th scope="col" className="py-1 pr-4">Type</th><th scope="col" className="py-1 pr-4">State</th><th scope="col" className="py-1">Error</th></tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {d.operations.map((o, i) => (
                        <tr key={`${o.resourceType}-${o.resourceName}-${i}`}>
                          <td className="py-1 pr-4 font-mono text-xs">{o.resourceName}</td>
                          <td className="py-1 pr-4 text-xs text-slate-600">{o.resourceType}</td>
                          <td className="py-1 pr-4"><State state={o.state} /></td>
                          <td className="py-1 text-xs text-red-800">{o.error ?? ""}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="mt-3 text-sm text-slate-600">No resource operations recorded yet.</p>
                )}
              </section>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function State({ state }: { state: string }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_TONES[state] ?? "bg-sky-50 text-sky-800 ring-sky-300"}`}>{state}</span>;
}
