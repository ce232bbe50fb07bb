import { CopyButton } from "@/components/ui/copy-button";
import type { BuildLock, LockChange, LockDiff } from "@/lib/builds/build-lock";

const KIND_LABELS = { pip: "pip", conda: "conda" } as const;

/** What a succeeded build installed (its lock, collapsible, copyable) and what changed since the previous successful build. */
export function BuildLockPanel({ lock, diff, baselineVersion }: { lock: BuildLock | null; diff: LockDiff | null; baselineVersion: string | null }) {
  return (
    <section aria-labelledby="lock-h" className="mb-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="lock-h" className="mb-3 text-base font-semibold text-slate-900">Installed packages (lock)</h2>
      {lock ? (
        <>
          <div className="space-y-2">
            {(["pip", "conda"] as const).map((kind) =>
              lock[kind].length || kind === "pip" ? (
                <details key={kind} className="rounded-lg border border-slate-200">
                  <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-800">
                    {KIND_LABELS[kind]}: {lock[kind].length} {lock[kind].length === 1 ? "package" : "packages"}
                  </summary>
                  <div className="border-t border-slate-200 p-3">
                    <div className="mb-2">
                      <CopyButton value={`${lock[kind].join("\n")}\n`} label={`Copy the ${KIND_LABELS[kind]} lock`} />
                    </div>
                    <pre tabIndex={0} aria-label={`${KIND_LABELS[kind]} lock`} className="max-h-72 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs text-slate-100">{lock[kind].join("\n") || "(none)"}</pre>
                  </div>
                </details>
              ) : null,
            )}
          </div>
          <h3 className="mt-4 mb-1 text-sm font-medium text-slate-800">Changes since the previous successful build of this environment</h3>
          {diff && baselineVersion ? <LockChanges diff={diff} baselineVersion={baselineVersion} /> : <p className="text-sm text-slate-600">No earlier successful build of this environment with a recorded lock.</p>}
        </>
      ) : (
        <p className="text-sm text-slate-600">No lock recorded: a lock is read from the log of a build that succeeded.</p>
      )}
    </section>
  );
}

function LockChanges({ diff, baselineVersion }: { diff: LockDiff; baselineVersion: string }) {
  const groups: { title: string; items: LockChange[] }[] = [
    { title: "Added", items: diff.added },
    { title: "Removed", items: diff.removed },
    { title: "Version changed", items: diff.changed },
  ];
  if (groups.every((g) => g.items.length === 0)) return <p className="text-sm text-slate-600">Same packages and versions as version {baselineVersion}.</p>;
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      {groups.map((g) => (
        <div key={g.title}>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{g.title} ({g.items.length})</h4>
          <ul className="mt-1 space-y-0.5 font-mono text-xs text-slate-800">
            {g.items.map((c) => (
              <li key={`${c.kind}:${c.name}`}>
                {c.kind} {c.name} {c.before && c.after ? `${c.before} → ${c.after}` : (c.after ?? c.before)}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
