import type { ApprovalQueue } from "@/lib/approvals/list-approval-queue";

type Environment = NonNullable<ApprovalQueue["requests"][number]["summary"]>["environments"][number];

/**
 * Every environment of a request exactly as the approver approves it: the base image and each
 * conda and pip entry verbatim, one per line in monospace (React escapes the text), so what
 * becomes conda.yml and requirements.txt is what was read here, not a count of it.
 */
export function RequestEnvironments({ requestTitle, environments }: { requestTitle: string; environments: Environment[] }) {
  if (!environments.length) return <span>None (feed only)</span>;
  return (
    <ul className="space-y-3">
      {environments.map((e) => (
        <li key={e.name} aria-label={`Environment ${e.name} of ${requestTitle}`}>
          <code className="font-mono text-xs font-semibold text-slate-900">{e.name}</code>
          <dl className="mt-1 grid gap-x-4 gap-y-1 text-xs sm:grid-cols-[7rem_1fr]">
            <dt className="text-slate-600">Base image</dt>
            <dd>
              <code className="break-all font-mono">{e.baseImage}</code>
            </dd>
            <dt className="text-slate-600">conda ({e.conda.length})</dt>
            <dd>
              <EntryList label={`conda packages of ${e.name}`} entries={e.conda} />
            </dd>
            <dt className="text-slate-600">pip ({e.pip.length})</dt>
            <dd>
              <EntryList label={`pip requirements of ${e.name}`} entries={e.pip} />
            </dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}

function EntryList({ label, entries }: { label: string; entries: string[] }) {
  if (!entries.length) return <span className="text-slate-600">none</span>;
  return (
    <ol aria-label={label} className="space-y-0.5 rounded bg-slate-50 px-2 py-1 font-mono">
      {entries.map((entry, i) => (
        // Entries may repeat, so the index keeps keys unique; the list never reorders.
        <li key={i} className="whitespace-pre-wrap break-all">
          {entry}
        </li>
      ))}
    </ol>
  );
}
