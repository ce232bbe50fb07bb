import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { StatCard } from "@/components/ui/stat-card";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { getOverview } from "@/lib/overview/get-overview";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const user = await requirePageUser();
  const o = await getOverview(getDb(), user);
  return (
    <>
      <PageHeader
        title="Overview"
        description="Feedgate gives your Azure ML workspace a private pip and conda feed, client configuration that works on the first try, and environment images you can watch build."
        actions={
          <Link href="/requests" className="rounded-lg bg-sky-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-700">
            Request a feed
          </Link>
        }
      />
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard label="Teams" value={o.teams} />
        <StatCard label="Feeds" value={o.feeds} />
        <StatCard label="Approved upstreams" value={o.approvedUpstreams.length} hint={o.pendingUpstreams ? `${o.pendingUpstreams} awaiting a decision` : "None awaiting a decision"} />
        <StatCard label="Builds, last 24 h" value={o.buildsLast24h} />
      </dl>
      <div className="mt-8 grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="upstreams" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 id="upstreams" className="text-base font-semibold">Approved upstream sources</h2>
          <p className="mt-1 text-sm text-slate-500">Feeds may proxy only these.</p>
          <ul className="mt-4 divide-y divide-slate-100">
            {o.approvedUpstreams.map((u) => (
              <li key={u.url} className="flex items-center justify-between py-3 text-sm">
                <span className="font-medium">{u.name}</span>
                <span className="flex items-center gap-3">
                  <code className="text-xs text-slate-500">{u.url}</code>
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">{u.kind}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="hosts" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 id="hosts" className="text-base font-semibold">Feed hosts</h2>
          <p className="mt-1 text-sm text-slate-500">Where proxy repositories are created.</p>
          <ul className="mt-4 divide-y divide-slate-100">
            {o.feedHosts.map((h) => (
              <li key={h.name} className="flex items-center justify-between py-3 text-sm">
                <span className="font-medium">{h.name}</span>
                <span className="flex items-center gap-3">
                  <code className="text-xs text-slate-500">{h.baseUrl}</code>
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700">{h.kind}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
