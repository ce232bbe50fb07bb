"use client";

import type { RequestPreview } from "@/lib/requests/build-request-preview";
import type { WizardOptions } from "@/lib/requests/get-wizard-options";
import type { RequestIssue } from "@/lib/requests/request-validation-error";
import type { WizardState } from "@/lib/validation/request-wizard";
import { describePath, WIZARD_STEPS } from "@/lib/validation/wizard-steps";
import { CodePreview } from "./code-preview";
import { CopyButton } from "./copy-button";

/** Step 5: what will be created, exactly as provisioning would create it. */
export function ReviewStep({ state, options, preview, issues, isLoading, onEdit }: { state: WizardState; options: WizardOptions; preview: RequestPreview | null; issues: RequestIssue[]; isLoading: boolean; onEdit: (step: number) => void }) {
  const team = options.teams.find((t) => t.id === state.teamId);
  const host = state.feedHost.mode === "existing" ? options.hosts.find((h) => h.id === state.feedHost.hostId)?.name : state.feedHost.mode === "artifacts" ? `Azure Artifacts (${state.feedHost.organization}/${state.feedHost.project})` : "A new Nexus VM";
  const workspace =
    state.workspace.mode === "existing"
      ? (options.workspaces.find((w) => w.id === state.workspace.workspaceId)?.name ?? "—")
      : `New in ${state.workspace.region}, prefix ${state.workspace.namePrefix}, ${state.workspace.addressSpace}`;
  const picked = options.upstreams.filter((u) => state.upstreamIds.includes(u.id)).map((u) => u.name);
  const proposed = state.proposedUpstreams.map((p) => `${p.name} (proposed)`);

  if (issues.length) {
    return (
      <div className="rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
        <p className="font-semibold">Some steps still need attention before you can submit:</p>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          {issues.map((i) => (
            <li key={`${i.path}|${i.message}`}>
              <button type="button" className="underline" onClick={() => onEdit(i.step)}>
                {WIZARD_STEPS[i.step]?.title}
              </button>{" "}
              — {describePath(i.path)}: {i.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <dl className="grid gap-x-6 gap-y-3 rounded-xl bg-slate-50 p-4 text-sm sm:grid-cols-2">
        <Summary label="Team" value={team?.name ?? "—"} />
        <Summary label="Title" value={state.title} />
        <Summary label="Workspace" value={workspace} />
        <Summary label="Feed host" value={host ?? "—"} />
        <Summary label="Upstream sources" value={[...picked, ...proposed].join(", ") || "—"} />
        <Summary label="Environments" value={state.environments.map((e) => e.name).join(", ") || "None (feed only)"} />
      </dl>

      {isLoading || !preview ? (
        <div aria-busy="true" className="animate-pulse space-y-3" data-testid="preview-loading">
          <span className="sr-only">Rendering the preview…</span>
          <div className="h-24 rounded-xl bg-slate-200" />
          <div className="h-24 rounded-xl bg-slate-200" />
        </div>
      ) : (
        <>
          {preview.notes.length ? (
            <ul className="space-y-1 text-sm text-slate-700">
              {preview.notes.map((n) => (
                <li key={n}>ℹ {n}</li>
              ))}
            </ul>
          ) : null}

          <section aria-labelledby="repos-heading">
            <h3 id="repos-heading" className="mb-2 text-base font-semibold text-slate-900">
              Repositories
            </h3>
            <div className="overflow-x-auto rounded-xl border border-slate-200">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs uppercase text-slate-600">
                  <tr>
                    <th scope="col" className="px-4 py-2">Name</th>
                    <th scope="col" className="px-4 py-2">Proxies</th>
                    <th scope="col" className="px-4 py-2">URL</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.repositories.map((r) => (
                    <tr key={`${r.name}|${r.upstream}`} className="border-t border-slate-100">
                      <td className="px-4 py-2 font-mono text-xs">{r.name}</td>
                      <td className="px-4 py-2">
                        {r.upstream} <span className="text-xs text-slate-600">({r.kind}{r.proposed ? ", proposed" : ""})</span>
                      </td>
                      <td className="px-4 py-2">
                        <span className="flex items-center gap-2">
                          <code className="break-all text-xs">{r.url}</code>
                          <CopyButton text={r.url} label={`${r.name} URL`} />
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section aria-labelledby="files-heading" className="space-y-4">
            <h3 id="files-heading" className="text-base font-semibold text-slate-900">
              What will be created
            </h3>
            {preview.armDeployments.length ? (
              preview.armDeployments.map((d) => <CodePreview key={d.template} title={`ARM parameters: ${d.template}`} filename={`resource group ${d.resourceGroup}`} code={d.parameters} language="json" />)
            ) : (
              <p className="text-sm text-slate-600">No ARM deployment: the workspace and the feed host already exist.</p>
            )}
            <CodePreview title="pip.conf" filename="~/.config/pip/pip.conf" code={preview.pipConf} language="ini" />
            {preview.condarc ? <CodePreview title=".condarc" filename="~/.condarc" code={preview.condarc} language="yaml" /> : <p className="text-sm text-slate-600">No .condarc: this feed has no conda channel.</p>}
            <CodePreview title="Compute-instance setup script" filename="feedgate-setup.sh" code={preview.setupScript} language="bash" />
            {preview.dockerfiles.map((d) => (
              <CodePreview key={d.environment} title={`Dockerfile: ${d.environment}`} filename="Dockerfile" code={d.dockerfile} language="dockerfile" />
            ))}
          </section>
        </>
      )}
    </div>
  );
}

function Summary({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{value}</dd>
    </div>
  );
}
