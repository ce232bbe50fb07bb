import { ArtifactsAuth } from "@/components/feeds/artifacts-auth";
import { CopyButton } from "@/components/ui/copy-button";
import { EffectivePolicy } from "@/components/feeds/effective-policy";
import { RepairFeedButton } from "@/components/feeds/repair-feed-button";
import { FEED_CONFIG_FILE_INFO, FEED_CONFIG_FILES, VERIFY_STEPS } from "@/lib/feeds/feed-config-files";
import type { FeedCatalogEntry } from "@/lib/feeds/list-feed-catalog";

const STATUS_STYLE: Record<string, string> = {
  READY: "bg-emerald-100 text-emerald-900",
  DEGRADED: "bg-amber-100 text-amber-900",
  PROVISIONING: "bg-sky-100 text-sky-900",
  PENDING: "bg-slate-100 text-slate-800",
  RETIRED: "bg-slate-200 text-slate-800",
};
const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** One feed: URLs to copy, the last preflight, upstreams (revoked ones flagged), its effective policy and config downloads. */
export function FeedCard({ feed, canRepair = false, canReorder = false }: { feed: FeedCatalogEntry; canRepair?: boolean; canReorder?: boolean }) {
  const headingId = `feed-${feed.id}`;
  const flagged = feed.upstreams.filter((u) => u.flaggedAt);
  return (
    <article aria-labelledby={headingId} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-base font-semibold text-slate-900">{feed.name}</h2>
          <p className="text-sm text-slate-600">{feed.team.name} · {feed.host.kind === "nexus" ? "Nexus" : "Azure Artifacts"} host {feed.host.name}</p>
        </div>
        <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATUS_STYLE[feed.status] ?? "bg-slate-100"}`}>{feed.status}</span>
      </header>

      {flagged.length ? (
        <p role="note" className="mt-4 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {flagged.map((u) => u.name).join(", ")} {flagged.length === 1 ? "was" : "were"} revoked: {flagged.length === 1 ? "its proxy is" : "their proxies are"} switched offline and packages from {flagged.length === 1 ? "it" : "them"} stop installing. Ask for a replacement source in a new request.
        </p>
      ) : null}

      <section aria-label={`URLs of ${feed.name}`} className="mt-4 space-y-2">
        {feed.pipIndexUrl ? <UrlRow label="pip index URL" url={feed.pipIndexUrl} /> : <p className="text-sm text-slate-600">The pip index appears once provisioning registers the feed.</p>}
        {feed.condaChannelUrls.map((u, i) => (
          <UrlRow key={u} label={feed.condaChannelUrls.length > 1 ? `conda channel ${i + 1}` : "conda channel URL"} url={u} />
        ))}
      </section>

      <div className="mt-5 grid gap-6 md:grid-cols-2">
        <section aria-label={`Health of ${feed.name}`}>
          <h3 className="text-sm font-semibold text-slate-900">Health</h3>
          {feed.health ? (
            <>
              <p className="mt-1 text-sm">
                <span className={feed.health.ok ? "font-medium text-emerald-800" : "font-medium text-red-800"}>{feed.health.ok ? "Preflight passed" : "Preflight failed"}</span>
                {feed.lastHealthAt ? <span className="text-slate-600">, {dateFormat.format(feed.lastHealthAt)} UTC</span> : null}
              </p>
              <ul className="mt-2 space-y-1 text-xs">
                {feed.health.checks.map((c) => (
                  <li key={c.name} className="flex gap-2">
                    <span aria-hidden="true" className={c.ok ? "text-emerald-700" : "text-red-700"}>{c.ok ? "✓" : "✗"}</span>
                    <span><span className="sr-only">{c.ok ? "Passed: " : "Failed: "}</span>{c.name} — <span className="text-slate-600">{c.detail}</span></span>
                  </li>
                ))}
                {feed.health.warnings.map((w) => (
                  <li key={w} className="text-amber-800">Warning: {w}</li>
                ))}
              </ul>
            </>
          ) : (
            <p className="mt-1 text-sm text-slate-600">No preflight has run yet.</p>
          )}
          {canRepair && feed.status === "DEGRADED" && feed.policy.isEnforced && !feed.policy.isSyncing ? <RepairFeedButton feedId={feed.id} feedName={feed.name} /> : null}
        </section>

        <section aria-label={`Upstreams of ${feed.name}`}>
          <h3 className="text-sm font-semibold text-slate-900">Upstreams</h3>
          {feed.upstreams.length ? (
            <ul className="mt-1 space-y-1 text-sm">
              {feed.upstreams.map((u) => (
                <li key={u.id} className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{u.name}</span>
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs">{u.kind}</span>
                  {u.flaggedAt ? <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">Flagged: {u.status}</span> : null}
                  {u.repository ? <code className="text-xs text-slate-600">{u.repository}</code> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 text-sm text-slate-600">None registered yet.</p>
          )}
        </section>
      </div>

      <EffectivePolicy feed={feed} canReorder={canReorder} />

      <section aria-label={`Client configuration for ${feed.name}`} className="mt-5">
        <h3 className="text-sm font-semibold text-slate-900">Client configuration</h3>
        {feed.hasConfig ? (
          <>
            <ul className="mt-2 flex flex-wrap gap-2">
              {FEED_CONFIG_FILES.filter((f) => f !== "condarc" || feed.condaChannelUrls.length).map((f) => (
                <li key={f}>
                  <a
                    href={`/api/v1/feeds/${feed.id}/config/${f}`}
                    download
                    className="inline-flex items-center gap-1 rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
                  >
                    <span aria-hidden="true">↓</span> Download {FEED_CONFIG_FILE_INFO[f].label}
                  </a>
                </li>
              ))}
            </ul>
            {feed.artifactsAuth ? <ArtifactsAuth feedName={feed.name} hint={feed.artifactsAuth} /> : null}
            <details className="mt-3 text-sm">
              <summary className="cursor-pointer font-medium text-slate-800">Install and verify</summary>
              <ol className="mt-2 list-decimal space-y-1 pl-5 text-slate-700">
                {FEED_CONFIG_FILES.filter((f) => f !== "condarc" || feed.condaChannelUrls.length).map((f) => (
                  <li key={f}>
                    {FEED_CONFIG_FILE_INFO[f].label}: <code className="rounded bg-slate-100 px-1 text-xs">{FEED_CONFIG_FILE_INFO[f].install}</code>
                  </li>
                ))}
                {feed.artifactsAuth ? (
                  <li>
                    Your PAT for {feed.artifactsAuth.machine}: <code className="rounded bg-slate-100 px-1 text-xs">{feed.artifactsAuth.netrcLine}</code> in ~/.netrc (see above)
                  </li>
                ) : null}
              </ol>
              <p className="mt-3 font-medium text-slate-800">Check that it took effect</p>
              <ul className="mt-1 space-y-1 text-slate-700">
                {VERIFY_STEPS.filter((s) => feed.condaChannelUrls.length || !s.command.startsWith("conda")).map((s) => (
                  <li key={s.command}>
                    <code className="rounded bg-slate-100 px-1 text-xs">{s.command}</code> — {s.expect}
                  </li>
                ))}
              </ul>
            </details>
          </>
        ) : (
          <p className="mt-1 text-sm text-slate-600">Downloads appear once the feed has a pip index.</p>
        )}
      </section>
    </article>
  );
}

function UrlRow({ label, url }: { label: string; url: string }) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="w-36 shrink-0 text-slate-600">{label}</span>
      <code className="break-all rounded bg-slate-50 px-2 py-1 text-xs text-slate-900">{url}</code>
      <CopyButton value={url} label={`Copy ${label}`} />
    </div>
  );
}
