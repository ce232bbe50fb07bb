"use client";

import { rangesOverlap } from "@/lib/infra/plan-subnets";
import type { ProposalState, WizardState } from "@/lib/validation/request-wizard";
import type { WizardOptions } from "@/lib/requests/get-wizard-options";
import { Field, FieldErrors, RadioGroup } from "./wizard-fields";

/** What every wizard step gets from the wizard (which owns the state). */
export interface StepProps {
  state: WizardState;
  options: WizardOptions;
  update: (change: (s: WizardState) => WizardState) => void;
  /** Inline errors for a path (and everything under it), once this step has been checked. */
  errorsAt: (path: string, exact?: boolean) => string[];
}

// ───────────────────────────── 1. team and workspace ─────────────────────────────

/** Switching teams takes the new team's default region and pool range, unless the person already chose their own. */
function withTeamDefaults(s: WizardState, teams: WizardOptions["teams"], teamId: string): WizardState {
  const team = teams.find((t) => t.id === teamId);
  if (!team) return s;
  // A value that is empty or some team's default was not typed by the person.
  const defaults = new Set(teams.flatMap((t) => [t.defaultRegion, t.suggestedAddressSpace]).filter((v): v is string => v !== null));
  const untouched = (value: string) => value === "" || defaults.has(value);
  return {
    ...s,
    workspace: {
      ...s.workspace,
      region: team.defaultRegion && untouched(s.workspace.region) ? team.defaultRegion : s.workspace.region,
      addressSpace: team.suggestedAddressSpace && untouched(s.workspace.addressSpace) ? team.suggestedAddressSpace : s.workspace.addressSpace,
    },
  };
}

export function WorkspaceStep({ state, options, update, errorsAt }: StepProps) {
  const ws = state.workspace;
  const teamWorkspaces = options.workspaces.filter((w) => w.teamId === state.teamId);
  const setWs = (patch: Partial<WizardState["workspace"]>) => update((s) => ({ ...s, workspace: { ...s.workspace, ...patch } }));
  const overlap = overlapHint(ws.addressSpace, options.takenRanges);
  const team = options.teams.find((t) => t.id === state.teamId);
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Team" errors={errorsAt("teamId")} hint="The feed and environments belong to this team.">
          {(p) => (
            <select {...p} value={state.teamId} onChange={(e) => update((s) => withTeamDefaults({ ...s, teamId: e.target.value, workspace: { ...s.workspace, workspaceId: "" } }, options.teams, e.target.value))}>
              <option value="">Choose a team…</option>
              {options.teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Title" errors={errorsAt("title")} hint="A short name your approver will recognise.">
          {(p) => <input {...p} value={state.title} maxLength={120} autoComplete="off" placeholder="Vision training feed" onChange={(e) => update((s) => ({ ...s, title: e.target.value }))} />}
        </Field>
      </div>
      <RadioGroup
        legend="Target workspace"
        name="workspace-mode"
        value={ws.mode}
        onChange={(mode) => setWs({ mode })}
        errors={errorsAt("workspace.mode", true)}
        options={[
          { value: "existing", label: "A registered workspace", description: teamWorkspaces.length ? `${teamWorkspaces.length} registered for this team.` : "This team has none registered yet." },
          { value: "new", label: "A new network-isolated workspace", description: "Feedgate deploys it with private endpoints, no public network access." },
        ]}
      />
      {ws.mode === "existing" ? (
        <Field label="Workspace" errors={errorsAt("workspace.workspaceId")}>
          {(p) => (
            <select {...p} value={ws.workspaceId} onChange={(e) => setWs({ workspaceId: e.target.value })}>
              <option value="">{teamWorkspaces.length ? "Choose a workspace…" : "No registered workspace for this team"}</option>
              {teamWorkspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name} ({w.region}{w.addressSpaces.length ? `, ${w.addressSpaces.join(", ")}` : ""})
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : (
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Region" errors={errorsAt("workspace.region")}>
            {(p) => (
              <select {...p} value={ws.region} onChange={(e) => setWs({ region: e.target.value })}>
                <option value="">Choose a region…</option>
                {options.regions.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Name prefix" errors={errorsAt("workspace.namePrefix")} hint="2–10 lower-case letters or digits.">
            {(p) => <input {...p} value={ws.namePrefix} maxLength={10} autoComplete="off" placeholder="visionml" onChange={(e) => setWs({ namePrefix: e.target.value })} />}
          </Field>
          <Field label="Address space" errors={[...errorsAt("workspace.addressSpace"), ...(overlap ? [overlap] : [])].filter(unique)} hint={team?.suggestedAddressSpace ? `An IPv4 range, /16 to /23. ${team.suggestedAddressSpace} is the next free range of ${team.name}'s pool.` : "An IPv4 range, /16 to /23, e.g. 10.42.0.0/16."}>
            {(p) => <input {...p} value={ws.addressSpace} maxLength={18} autoComplete="off" inputMode="decimal" placeholder="10.42.0.0/16" onChange={(e) => setWs({ addressSpace: e.target.value })} />}
          </Field>
        </div>
      )}
    </>
  );
}

// ───────────────────────────── 2. feed host ─────────────────────────────

export function FeedHostStep({ state, options, update, errorsAt }: StepProps) {
  const host = state.feedHost;
  const setHost = (patch: Partial<WizardState["feedHost"]>) => update((s) => ({ ...s, feedHost: { ...s.feedHost, ...patch } }));
  return (
    <>
      <RadioGroup
        legend="Where the feed lives"
        name="feed-host-mode"
        value={host.mode}
        onChange={(mode) => setHost({ mode })}
        errors={errorsAt("feedHost.mode", true)}
        options={[
          { value: "existing", label: "An existing Nexus host", description: "Fastest: repositories are added to a host that already runs. pip and conda." },
          { value: "new-nexus-vm", label: "A new Nexus VM", description: "A private VM inside the new workspace's network. pip and conda; you own one more VM." },
          { value: "artifacts", label: "Azure Artifacts", description: "Managed, nothing to patch, but pip only: Azure Artifacts has no conda channels." },
        ]}
      />
      {host.mode === "existing" ? (
        <Field label="Feed host" errors={errorsAt("feedHost.hostId")}>
          {(p) => (
            <select {...p} value={host.hostId} onChange={(e) => setHost({ hostId: e.target.value })}>
              <option value="">Choose a host…</option>
              {options.hosts.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name} ({h.kind === "nexus" ? "Nexus" : "Azure Artifacts"})
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {host.mode === "artifacts" ? (
        <>
          <p className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900">Azure Artifacts has no conda: environments on this feed can only use pip requirements.</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Azure DevOps organization" errors={errorsAt("feedHost.organization")}>
              {(p) => <input {...p} value={host.organization} autoComplete="off" placeholder="contoso" onChange={(e) => setHost({ organization: e.target.value })} />}
            </Field>
            <Field label="Project" errors={errorsAt("feedHost.project")}>
              {(p) => <input {...p} value={host.project} autoComplete="off" placeholder="ml-platform" onChange={(e) => setHost({ project: e.target.value })} />}
            </Field>
          </div>
        </>
      ) : null}
    </>
  );
}

// ───────────────────────────── 3. upstream sources ─────────────────────────────

const EMPTY_PROPOSAL: ProposalState = { name: "", kind: "pypi", url: "", justification: "", allowList: "" };

export function UpstreamsStep({ state, options, update, errorsAt }: StepProps) {
  const toggle = (id: string, on: boolean) => update((s) => ({ ...s, upstreamIds: on ? [...new Set([...s.upstreamIds, id])] : s.upstreamIds.filter((x) => x !== id) }));
  const setProposal = (i: number, patch: Partial<ProposalState>) => update((s) => ({ ...s, proposedUpstreams: s.proposedUpstreams.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  return (
    <>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Approved upstream sources</legend>
        <p className="text-xs text-slate-600">Your feed proxies these. Include at least one PyPI source: pip needs an index.</p>
        {options.upstreams.length === 0 ? <p className="mt-2 text-sm text-slate-600">No upstream source is approved yet; propose one below.</p> : null}
        <ul className="mt-2 grid gap-2 sm:grid-cols-2">
          {options.upstreams.map((u) => (
            <li key={u.id}>
              <label className="flex cursor-pointer gap-3 rounded-xl border border-slate-200 p-3 text-sm hover:border-slate-300">
                <input type="checkbox" className="mt-1 h-4 w-4 accent-sky-700" checked={state.upstreamIds.includes(u.id)} onChange={(e) => toggle(u.id, e.target.checked)} />
                <span>
                  <span className="block font-semibold text-slate-900">
                    {u.name} <span className="ml-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">{u.kind === "pypi" ? "PyPI" : "conda"}</span>
                  </span>
                  <span className="block break-all font-mono text-xs text-slate-600">{u.url}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
        <FieldErrors errors={errorsAt("upstreamIds")} />
      </fieldset>

      <section aria-labelledby="proposals-heading" className="space-y-4">
        <div className="flex items-center justify-between">
          <h3 id="proposals-heading" className="text-sm font-medium text-slate-800">
            Propose a new upstream
          </h3>
          <button
            type="button"
            disabled={state.proposedUpstreams.length >= 5}
            onClick={() => update((s) => ({ ...s, proposedUpstreams: [...s.proposedUpstreams, { ...EMPTY_PROPOSAL }] }))}
            className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
          >
            Propose an upstream
          </button>
        </div>
        <p className="text-xs text-slate-600">A proposal goes to an approver; the request waits until it is decided. Only public https sources.</p>
        {state.proposedUpstreams.map((p, i) => (
          <fieldset key={i} className="space-y-3 rounded-xl border border-slate-200 p-4">
            <legend className="px-1 text-sm font-semibold text-slate-900">Proposed upstream {i + 1}</legend>
            <div className="grid gap-3 sm:grid-cols-3">
              <Field label="Name" errors={errorsAt(`proposedUpstreams.${i}.name`)} hint="Lower-case, e.g. pytorch-cpu.">
                {(f) => <input {...f} value={p.name} autoComplete="off" onChange={(e) => setProposal(i, { name: e.target.value })} />}
              </Field>
              <Field label="Kind" errors={errorsAt(`proposedUpstreams.${i}.kind`)}>
                {(f) => (
                  <select {...f} value={p.kind} onChange={(e) => setProposal(i, { kind: e.target.value === "conda" ? "conda" : "pypi" })}>
                    <option value="pypi">PyPI index</option>
                    <option value="conda">conda channel</option>
                  </select>
                )}
              </Field>
              <Field label="URL" errors={errorsAt(`proposedUpstreams.${i}.url`)} hint="https:// and a public host name.">
                {(f) => <input {...f} type="url" value={p.url} autoComplete="off" placeholder="https://download.pytorch.org/whl/cpu/" onChange={(e) => setProposal(i, { url: e.target.value })} />}
              </Field>
            </div>
            <Field label="Justification" errors={errorsAt(`proposedUpstreams.${i}.justification`)} hint="Why your team needs it; approvers read this.">
              {(f) => <textarea {...f} rows={2} value={p.justification} onChange={(e) => setProposal(i, { justification: e.target.value })} />}
            </Field>
            <Field label="Package allow-list (optional)" errors={errorsAt(`proposedUpstreams.${i}.allowList`)} hint="Package names, one per line or comma separated; empty allows every package.">
              {(f) => <textarea {...f} rows={2} value={p.allowList} onChange={(e) => setProposal(i, { allowList: e.target.value })} />}
            </Field>
            <button type="button" onClick={() => update((s) => ({ ...s, proposedUpstreams: s.proposedUpstreams.filter((_, j) => j !== i) }))} className="text-sm font-medium text-red-700 underline">
              Remove proposed upstream {i + 1}
            </button>
          </fieldset>
        ))}
      </section>
    </>
  );
}

function overlapHint(space: string, taken: { range: string; label: string }[]): string | null {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(space.trim())) return null;
  const clash = taken.find((t) => rangesOverlap(space.trim(), t.range));
  return clash ? `overlaps ${clash.range} of ${clash.label}; pick a range no registered workspace uses` : null;
}

function unique(value: string, index: number, all: string[]) {
  return all.indexOf(value) === index;
}
