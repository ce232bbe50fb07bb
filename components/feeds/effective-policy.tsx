import { UpstreamOrderEditor } from "@/components/feeds/upstream-order-editor";
import type { FeedCatalogEntry } from "@/lib/feeds/list-feed-catalog";

/**
 * What a feed lets through, as its host enforces it: upstreams in the order pip's one index asks
 * them, each one's allow-list (or all packages), and the organisation's blocks. On Azure Artifacts
 * the same policy is shown, with a plain statement of what Artifacts cannot enforce. Approvers and
 * Admins (`canReorder`) can change the order of a Nexus feed's upstreams; everyone else reads it.
 */
export function EffectivePolicy({ feed, canReorder = false }: { feed: FeedCatalogEntry; canReorder?: boolean }) {
  const { policy } = feed;
  const active = feed.upstreams.filter((u) => !u.flaggedAt);
  const ordered = active.map((u) => ({ id: u.id, name: u.name, label: `${u.name} (${u.kind}): ${u.allowList ? `only ${u.allowList.join(", ") || "nothing"}` : "all packages"}` }));
  return (
    <section aria-label={`Effective policy of ${feed.name}`} className="mt-5">
      <h3 className="text-sm font-semibold text-slate-900">Effective policy</h3>
      {policy.isEnforced ? (
        <p className="mt-1 text-xs text-slate-600">
          pip uses one index{policy.groupRepository ? <> (the group <code>{policy.groupRepository}</code>)</> : null}: it asks these upstreams in order and the first that has a package answers. No extra index is ever configured.
        </p>
      ) : (
        <p role="note" className="mt-1 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900">
          Not enforced on Azure Artifacts: it has no routing rules, so allow-lists and the organisation&apos;s blocks below are not applied to this feed, and upstream order follows the feed&apos;s settings in Azure DevOps. Only approved upstreams are configured.
        </p>
      )}
      {canReorder && policy.isEnforced && ordered.length > 1 ? (
        <UpstreamOrderEditor feedId={feed.id} feedName={feed.name} hostName={feed.host.name} upstreams={ordered} trailingIds={feed.upstreams.filter((u) => u.flaggedAt).map((u) => u.id)} />
      ) : (
        <ol aria-label={`Upstreams of ${feed.name} in order`} className="mt-2 list-decimal space-y-1 pl-5 text-sm">
          {ordered.map((u) => (
            <li key={u.id}>{u.label}</li>
          ))}
        </ol>
      )}
      <p className="mt-2 text-sm">
        <span className="font-medium">Blocked for the organisation:</span>{" "}
        {policy.blocks.length ? (
          <span aria-label={`Organisation blocks on ${feed.name}`}>
            {policy.blocks.map((b, i) => (
              <span key={b.name} title={b.reason}>
                {i ? ", " : ""}
                <code>{b.name}</code>
              </span>
            ))}
          </span>
        ) : (
          <span className="text-slate-600">nothing</span>
        )}
      </p>
      {policy.isSyncing ? (
        <p role="status" aria-live="polite" className="mt-1 text-xs text-sky-800">
          A policy change is being applied to {feed.host.name}…
        </p>
      ) : null}
    </section>
  );
}
