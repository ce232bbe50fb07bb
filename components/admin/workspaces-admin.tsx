"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { discoverWorkspacesAction, registerWorkspaceAction } from "@/lib/actions/admin";
import type { AdminWorkspaceView, DiscoveredWorkspaceView, WorkspaceDiscovery } from "@/lib/workspaces/admin-workspaces";
import { StatusPill } from "@/components/ui/status-pill";

const timeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

interface Props {
  workspaces: AdminWorkspaceView[];
  teams: { id: string; name: string }[];
  subscriptionId: string;
}

/** Registered workspaces, and discovery of the subscription's existing ones to register them to a team. */
export function WorkspacesAdmin({ workspaces, teams, subscriptionId }: Props) {
  const [discovery, setDiscovery] = useState<WorkspaceDiscovery | null>(null);
  return (
    <div className="space-y-8">
      <RegisteredWorkspaces workspaces={workspaces} />
      <section aria-labelledby="discover-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="discover-heading" className="text-base font-semibold">Discover workspaces</h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Lists the Azure Machine Learning workspaces of subscription <code className="text-xs">{subscriptionId}</code> through Azure Resource Manager, with what would break an
          image build inside the virtual network. Registered workspaces that Azure no longer lists are marked missing.
        </p>
        <DiscoverForm onFound={setDiscovery} />
        {discovery ? <DiscoveryResults discovery={discovery} teams={teams} /> : null}
      </section>
    </div>
  );
}

function StatusBadge({ status }: { status: string }) {
  if (status === "MISSING") return <StatusPill tone="bad">Missing in Azure</StatusPill>;
  if (status === "REGISTERED") return <StatusPill tone="good">Registered</StatusPill>;
  return <StatusPill tone="neutral">{status.charAt(0) + status.slice(1).toLowerCase()}</StatusPill>;
}

function Warnings({ warnings }: { warnings: string[] }) {
  if (!warnings.length) return <span className="text-emerald-800">Ready for private builds</span>;
  return (
    <ul className="list-disc space-y-0.5 pl-4 text-amber-900">
      {warnings.map((w) => (
        <li key={w}>{w}</li>
      ))}
    </ul>
  );
}

function RegisteredWorkspaces({ workspaces }: { workspaces: AdminWorkspaceView[] }) {
  return (
    <section aria-labelledby="registered-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="registered-heading" className="text-base font-semibold">Registered workspaces</h2>
      {workspaces.length ? (
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Registered workspaces</caption>
            <thead>
              <tr className="text-xs text-slate-600">
                <th scope="col" className="py-1 pr-4 font-medium">Workspace</th>
                <th scope="col" className="py-1 pr-4 font-medium">Team</th>
                <th scope="col" className="py-1 pr-4 font-medium">Region</th>
                <th scope="col" className="py-1 pr-4 font-medium">Status</th>
                <th scope="col" className="py-1 font-medium">Private builds</th>
              </tr>
            </thead>
            <tbody>
              {workspaces.map((w) => (
                <tr key={w.id} className="border-t border-slate-100 align-top">
                  <th scope="row" className="py-2 pr-4 font-medium">
                    {w.name}
                    <div className="font-mono text-xs font-normal text-slate-500">{w.resourceGroup}</div>
                  </th>
                  <td className="py-2 pr-4">{w.teamName}</td>
                  <td className="py-2 pr-4">{w.region}</td>
                  <td className="py-2 pr-4">
                    <StatusBadge status={w.status} />
                    {w.status === "MISSING" && w.lastSeenAt ? <div className="mt-1 text-xs text-slate-600">Last seen {timeFormat.format(new Date(w.lastSeenAt))} UTC</div> : null}
                  </td>
                  <td className="py-2 text-xs">
                    <Warnings warnings={w.warnings} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="mt-3 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
          No workspace registered yet. Discover the subscription&apos;s workspaces below and register one to a team; requests can then use it as an existing workspace.
        </p>
      )}
    </section>
  );
}

function DiscoverForm({ onFound }: { onFound: (d: WorkspaceDiscovery) => void }) {
  const inputId = useId();
  const [resourceGroup, setResourceGroup] = useState("");
  const [error, setError] = useState("");
  const { executeAsync, isPending } = useAction(discoverWorkspacesAction);
  async function discover() {
    setError("");
    // The zod schema, shared with the server, loads at the first use rather than with the page.
    const { discoverWorkspacesInputSchema } = await import("@/lib/validation/admin-workspaces");
    const checked = discoverWorkspacesInputSchema.safeParse({ resourceGroup });
    if (!checked.success) return setError(`Resource group ${checked.error.issues[0]?.message ?? "is not valid"}.`);
    const res = await executeAsync({ resourceGroup });
    if (res?.serverError) return setError(res.serverError.fields?.resourceGroup ? `The ${res.serverError.fields.resourceGroup}.` : res.serverError.message);
    if (res?.data) onFound(res.data);
  }
  return (
    <form
      aria-label="Discover workspaces"
      noValidate
      className="mt-4 flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        void discover();
      }}
    >
      <div>
        <label htmlFor={inputId} className="block text-xs font-medium text-slate-700">Resource group (optional)</label>
        <input id={inputId} value={resourceGroup} onChange={(e) => setResourceGroup(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={`${inputId}-note`} maxLength={90} placeholder="All resource groups" className={`mt-1 w-72 rounded-lg border px-3 py-1.5 font-mono text-sm ${error ? "border-red-500" : "border-slate-300"}`} />
      </div>
      <button type="submit" disabled={isPending} className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
        {isPending ? "Listing…" : "List workspaces"}
      </button>
      <p id={`${inputId}-note`} role={error ? "alert" : undefined} className={`w-full text-sm ${error ? "text-red-700" : "text-slate-500"}`}>
        {error || "Leave empty to list the whole subscription."}
      </p>
    </form>
  );
}

function DiscoveryResults({ discovery, teams }: { discovery: WorkspaceDiscovery; teams: { id: string; name: string }[] }) {
  return (
    <div className="mt-4">
      <p role="status" className="text-sm text-slate-700">
        Found {discovery.workspaces.length} workspace{discovery.workspaces.length === 1 ? "" : "s"} in {discovery.resourceGroup ? `resource group ${discovery.resourceGroup}` : "the subscription"}.
      </p>
      {discovery.missing.length ? (
        <div role="alert" className="mt-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          Azure no longer lists {discovery.missing.map((m) => `${m.name} (${m.teamName})`).join(", ")}; {discovery.missing.length === 1 ? "it is" : "they are"} now marked missing, and requests cannot use {discovery.missing.length === 1 ? "it" : "them"}.
        </div>
      ) : null}
      {discovery.workspaces.length ? (
        <ul className="mt-3 space-y-3">
          {discovery.workspaces.map((w) => (
            <DiscoveredRow key={w.armId} workspace={w} teams={teams} />
          ))}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-slate-600">No Azure Machine Learning workspace here.</p>
      )}
    </div>
  );
}

function DiscoveredRow({ workspace: w, teams }: { workspace: DiscoveredWorkspaceView; teams: { id: string; name: string }[] }) {
  const selectId = useId();
  const headingId = useId();
  const [teamId, setTeamId] = useState("");
  const { executeAsync, isPending, result } = useAction(registerWorkspaceAction);
  const [registeredTo, setRegisteredTo] = useState(w.registration?.teamName ?? null);
  async function register() {
    const res = await executeAsync({ armId: w.armId, teamId });
    if (res?.data) setRegisteredTo(teams.find((t) => t.id === teamId)?.name ?? "the team");
  }
  const error = result.serverError?.fields?.teamId ?? result.serverError?.fields?.armId ?? result.serverError?.message ?? (result.validationErrors ? "Pick a team." : "");
  return (
    <li className="rounded-lg border border-slate-200 p-4">
      <article aria-labelledby={headingId}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h3 id={headingId} className="font-semibold">{w.name}</h3>
            <p className="font-mono text-xs text-slate-500">{w.resourceGroup} · {w.region}</p>
          </div>
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${w.assessment.isolated ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}>
            {w.assessment.isolated ? "Network-isolated" : "Not network-isolated"}
          </span>
        </div>
        <dl className="mt-2 grid gap-x-6 gap-y-0.5 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-600">Public network access</dt>
          <dd>{w.publicNetworkAccess}</dd>
          <dt className="text-slate-600">Private endpoints</dt>
          <dd>{w.privateEndpoints.length ? w.privateEndpoints.map((p) => `${p.name} (${p.status})`).join(", ") : "None"}</dd>
          <dt className="text-slate-600">Image-build compute</dt>
          <dd>{w.imageBuildCompute ?? "Not set"}</dd>
          <dt className="text-slate-600">Default datastore account</dt>
          <dd>{w.storageAccount ?? "None"}</dd>
        </dl>
        <div className="mt-2 text-sm">
          <Warnings warnings={w.assessment.warnings} />
        </div>
        <div className="mt-3 flex flex-wrap items-end gap-2">
          {registeredTo ? (
            <p role="status" className="text-sm font-medium text-emerald-800">Registered to {registeredTo}.</p>
          ) : (
            <>
              <div>
                <label htmlFor={selectId} className="block text-xs font-medium text-slate-700">Register {w.name} to</label>
                <select id={selectId} value={teamId} onChange={(e) => setTeamId(e.target.value)} className="mt-1 rounded-lg border border-slate-300 px-2 py-1.5 text-sm">
                  <option value="">Choose a team…</option>
                  {teams.map((t) => (
                    <option key={t.id} value={t.id}>{t.name}</option>
                  ))}
                </select>
              </div>
              <button type="button" onClick={() => void register()} disabled={isPending || !teamId} className="rounded-lg bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
                {isPending ? "Registering…" : w.assessment.warnings.length ? "Register anyway" : "Register"}
              </button>
              {error ? <p role="alert" className="w-full text-sm text-red-700">{error}</p> : null}
            </>
          )}
        </div>
      </article>
    </li>
  );
}
