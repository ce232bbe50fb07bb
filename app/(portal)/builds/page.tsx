import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { AccessDenied } from "@/components/auth/access-denied";
import { BuildFiltersForm } from "@/components/builds/build-filters-form";
import { BuildStatusBadge } from "@/components/builds/build-status-badge";
import { BuildTrendChart } from "@/components/builds/build-trend-chart";
import { EnvironmentHealthSummary } from "@/components/staleness/environment-health-summary";
import { StaleBadge } from "@/components/staleness/stale-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { BUILD_STATUSES, buildFiltersSchema, describeFilterIssue, FAILURE_CLASSES, FAILURE_CLASS_LABELS, parseBuildFilters, STATUS_LABELS, toSearchParams, type BuildFilters } from "@/lib/builds/build-filters";
import { formatDuration, formatUtc } from "@/lib/builds/format-build";
import { loadBuildDashboard, type BuildDashboard } from "@/lib/builds/load-build-dashboard";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Builds" };

/**
 * The header arrives at once; the filters, the summary with its chart, and the table stream in
 * behind skeletons of their own size as the dashboard's reads (in parallel, one promise) finish.
 */
export default async function BuildsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "builds")) return <AccessDenied section="Builds" />;
  const parsed = parseBuildFilters(await searchParams);
  const filters = parsed.success ? parsed.data : buildFiltersSchema.parse({});
  const dashboard = loadBuildDashboard(getDb(), user, filters);

  return (
    <>
      <PageHeader
        title="Builds"
        description="Environment image builds across every workspace you can see: which build, which fail and why."
        actions={
          <>
            <Link href="/builds/deployments" className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">Deployments</Link>
            <a href="/openapi.json" className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">API (OpenAPI)</a>
          </>
        }
      />
      {!parsed.success ? (
        <p role="alert" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          This link&apos;s filters were ignored: {describeFilterIssue(parsed.error)}. <Link href="/builds" className="underline">Start from all builds</Link>.
        </p>
      ) : null}
      <Suspense fallback={<Skeleton label="Loading the filters…" className="mb-6 h-[9.5rem]" />}>
        <Filters dashboard={dashboard} filters={filters} />
      </Suspense>
      <Suspense
        fallback={
          <>
            <Skeleton label="Loading the summary…" className="mb-6 h-[7.5rem]" />
            <Skeleton className="mb-6 h-[19rem]" />
          </>
        }
      >
        <Summary dashboard={dashboard} />
      </Suspense>
      <Suspense fallback={<Skeleton label="Loading environment health…" className="mb-6 h-[8rem]" />}>
        <Health dashboard={dashboard} />
      </Suspense>
      <Suspense fallback={<Skeleton label="Loading the builds…" className="h-96" />}>
        <BuildsTable dashboard={dashboard} filters={filters} />
      </Suspense>
    </>
  );
}

async function Filters({ dashboard, filters }: { dashboard: Promise<BuildDashboard>; filters: BuildFilters }) {
  const { options } = await dashboard;
  return (
    <BuildFiltersForm
      filters={filters}
      teams={options.teams}
      workspaces={options.workspaces}
      statuses={BUILD_STATUSES.map((s) => [s, STATUS_LABELS[s]])}
      failureClasses={FAILURE_CLASSES.map((f) => [f, FAILURE_CLASS_LABELS[f]])}
    />
  );
}

async function Summary({ dashboard }: { dashboard: Promise<BuildDashboard> }) {
  const { stats, trend } = await dashboard;
  return (
    <>
      <section aria-label="Summary">
        <dl className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
          <SummaryCard label="Running now" value={stats.runningNow} hint={`${stats.queuedNow} queued`} />
          <SummaryCard label="Failed in the last 24 h" value={stats.failedLast24h} />
          <SummaryCard label="Success rate" value={stats.successRate === null ? "—" : `${(stats.successRate * 100).toFixed(1)} %`} hint={`${stats.finishedInWindow} finished ${windowText(stats.window)}`} />
          <SummaryCard label="p50 duration" value={formatDuration(stats.p50DurationMs)} hint={`${stats.durationSample} successful builds`} />
          <SummaryCard label="p95 duration" value={formatDuration(stats.p95DurationMs)} hint={windowText(stats.window)} />
        </dl>
      </section>
      <div className="mb-6">
        <BuildTrendChart points={trend} />
      </div>
    </>
  );
}

async function Health({ dashboard }: { dashboard: Promise<BuildDashboard> }) {
  const { health } = await dashboard;
  return <EnvironmentHealthSummary health={health} />;
}

async function BuildsTable({ dashboard, filters }: { dashboard: Promise<BuildDashboard>; filters: BuildFilters }) {
  const { page, options, staleness } = await dashboard;
  const teamName = new Map(options.teams.map((t) => [t.id, t.name]));
  const workspaceName = new Map(options.workspaces.map((w) => [w.id, w.name]));
  const hasFilters = Object.keys(Object.fromEntries(toSearchParams({ ...filters, cursor: undefined }))).length > 0;
  const nextHref = page.nextCursor ? `/builds?${toSearchParams({ ...filters, cursor: page.nextCursor }).toString()}` : null;
  const sortHref = `/builds?${toSearchParams({ ...filters, cursor: undefined, sort: filters.sort === "newest" ? "oldest" : "newest" }).toString()}`;
  return (
    <section aria-labelledby="builds-heading">
      <h2 id="builds-heading" className="mb-2 text-lg font-semibold text-slate-900">
        {filters.stale ? "Builds of stale environments" : hasFilters ? "Matching builds" : "All builds"}
      </h2>
      {page.builds.length === 0 ? (
        <EmptyState title={hasFilters ? "No builds match these filters" : "No builds yet"} action={hasFilters ? <Link href="/builds" className="text-sm font-medium text-sky-700 underline">Clear filters</Link> : undefined}>
          {filters.stale ? "No environment version in use is stale: every one is fresh, failing or still building." : hasFilters ? "Widen the date range or clear a filter." : "Builds appear here as soon as a request starts building its environments."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Builds, {filters.sort === "newest" ? "newest" : "oldest"} first</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">Environment</th>
                <th scope="col" className="px-4 py-2">Status</th>
                <th scope="col" className="px-4 py-2">Freshness</th>
                <th scope="col" className="px-4 py-2">Failure class</th>
                <th scope="col" className="px-4 py-2">Team</th>
                <th scope="col" className="px-4 py-2">Workspace</th>
                <th scope="col" className="px-4 py-2" aria-sort={filters.sort === "newest" ? "descending" : "ascending"}>
                  <Link href={sortHref} className="underline-offset-2 hover:underline">
                    Queued {filters.sort === "newest" ? "↓" : "↑"}
                    <span className="sr-only">, sort {filters.sort === "newest" ? "oldest" : "newest"} first</span>
                  </Link>
                </th>
                <th scope="col" className="px-4 py-2">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.builds.map((b) => (
                <tr key={b.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2 font-medium">
                    <Link href={`/builds/${b.id}`} prefetch={false} className="text-sky-800 underline-offset-2 hover:underline">{b.environmentName}</Link>
                    {b.attempt > 1 ? <span className="ml-1 text-xs text-slate-500">attempt {b.attempt}</span> : null}
                  </td>
                  <td className="px-4 py-2"><BuildStatusBadge status={b.status} /></td>
                  <td className="px-4 py-2">{staleBadge(staleness.get(b.environmentId))}</td>
                  <td className="px-4 py-2 text-slate-700">{b.failureClass ? FAILURE_CLASS_LABELS[b.failureClass] : "—"}</td>
                  <td className="px-4 py-2 text-slate-700">{teamName.get(b.teamId) ?? "—"}</td>
                  <td className="px-4 py-2 text-slate-700">{workspaceName.get(b.workspaceId) ?? "—"}</td>
                  <td className="px-4 py-2 whitespace-nowrap text-slate-700"><time dateTime={b.queuedAt.toISOString()}>{formatUtc(b.queuedAt)}</time></td>
                  <td className="px-4 py-2 whitespace-nowrap text-slate-700">{formatDuration(b.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-3 text-sm">
        {filters.cursor ? <Link href={`/builds?${toSearchParams({ ...filters, cursor: undefined }).toString()}`} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 font-medium">First page</Link> : null}
        {nextHref ? <Link href={nextHref} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 font-medium">Next page</Link> : null}
      </nav>
    </section>
  );
}

function staleBadge(reasons: Parameters<typeof StaleBadge>[0]["reasons"] | undefined) {
  return reasons ? <StaleBadge reasons={reasons} /> : <span className="text-slate-600">—</span>;
}

function windowText(window: { from: string; to: string }): string {
  return `${window.from.slice(0, 10)} – ${window.to.slice(0, 10)}`;
}

/** One summary figure; the hint sits inside <dd> so the list stays a valid definition list. */
function SummaryCard({ label, value, hint }: { label: string; value: string | number; hint?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="mt-2">
        <span className="block text-3xl font-semibold tracking-tight text-slate-900">{value}</span>
        {hint ? <span className="mt-1 block text-xs text-slate-500">{hint}</span> : null}
      </dd>
    </div>
  );
}
