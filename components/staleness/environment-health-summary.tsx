import Link from "next/link";
import type { TeamHealth } from "@/lib/staleness/environment-health";

/**
 * Per team, how many of its current environment versions are fresh, stale and failing; each
 * figure links to the dashboard filtered to those builds.
 */
export function EnvironmentHealthSummary({ health }: { health: TeamHealth[] }) {
  return (
    <section aria-labelledby="health-heading" className="mb-6">
      <h2 id="health-heading" className="mb-2 text-lg font-semibold text-slate-900">Environment health</h2>
      {health.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white px-4 py-3 text-sm text-slate-600">No environments yet: health appears here once a request builds its first environment.</p>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {health.map((h) => (
            <li key={h.teamId} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
              <h3 className="mb-2 text-sm font-semibold text-slate-800">{h.teamName}</h3>
              <dl className="grid grid-cols-3 gap-2 text-center">
                <Figure label="Fresh" value={h.fresh} href={`/builds?team=${encodeURIComponent(h.teamId)}&status=SUCCEEDED`} tone="text-emerald-800" team={h.teamName} />
                <Figure label="Stale" value={h.stale} href={`/builds?team=${encodeURIComponent(h.teamId)}&stale=1`} tone="text-amber-900" team={h.teamName} />
                <Figure label="Failing" value={h.failing} href={`/builds?team=${encodeURIComponent(h.teamId)}&status=FAILED`} tone="text-red-800" team={h.teamName} />
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Figure({ label, value, href, tone, team }: { label: string; value: number; href: string; tone: string; team: string }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd>
        <Link href={href} prefetch={false} className={`block rounded text-2xl font-semibold underline-offset-2 hover:underline ${tone}`}>
          {value}
          <span className="sr-only"> {label.toLowerCase()} environments of {team}: show their builds</span>
        </Link>
      </dd>
    </div>
  );
}
