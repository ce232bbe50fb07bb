"use client";

import { useAction } from "next-safe-action/hooks";
import { useEffect, useId, useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { StatusPill, type StatusTone } from "@/components/ui/status-pill";
import { loadPublishPanelAction, publishEnvironmentAction } from "@/lib/actions/registries";
import type { PublicationView, PublishPanel } from "@/lib/registries/publications";

const FOLLOW_MS = 1500;
const STATUS: Record<PublicationView["status"], { tone: StatusTone; label: string }> = {
  QUEUED: { tone: "neutral", label: "Queued" },
  PUBLISHING: { tone: "warn", label: "Publishing" },
  PUBLISHED: { tone: "good", label: "Published" },
  FAILED: { tone: "bad", label: "Failed" },
};

const isRunning = (p: PublicationView) => p.status === "QUEUED" || p.status === "PUBLISHING";

/** "Publish to registry" for one built environment version: pick one of the team's registries, follow the publish, copy the asset URI. */
export function PublishToRegistry({ initial }: { initial: PublishPanel }) {
  const selectId = useId();
  const [panel, setPanel] = useState(initial);
  const [registryId, setRegistryId] = useState(initial.registries.find((r) => !initial.publications.some((p) => p.registryId === r.id && p.status === "PUBLISHED"))?.id ?? initial.registries[0]?.id ?? "");
  const [error, setError] = useState("");
  const publish = useAction(publishEnvironmentAction);
  const load = useAction(loadPublishPanelAction);
  const running = panel.publications.some(isRunning);

  // Follow a publish while it runs: the workflow moves the publication through its states.
  const { executeAsync: reload } = load;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      void reload({ environmentId: panel.environmentId }).then((res) => {
        if (res?.data) setPanel(res.data);
      });
    }, FOLLOW_MS);
    return () => clearTimeout(timer);
  }, [running, panel, reload]);

  async function submit() {
    setError("");
    const { publishEnvironmentInputSchema } = await import("@/lib/validation/aml-registries");
    const input = { environmentId: panel.environmentId, registryId };
    if (!publishEnvironmentInputSchema.safeParse(input).success) return setError("Pick a registry.");
    const res = await publish.executeAsync(input);
    if (res?.serverError) return setError(Object.values(res.serverError.fields ?? {})[0] ?? res.serverError.message);
    if (res?.data) setPanel(res.data);
  }

  return (
    <section aria-labelledby="publish-h" className="mb-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="publish-h" className="mb-1 text-base font-semibold text-slate-900">Publish to registry</h2>
      <p className="mb-3 text-sm text-slate-600">
        Shares {panel.environmentName}:{panel.environmentVersion} through an Azure ML registry, so other workspaces can use the image without rebuilding it.
      </p>
      {!panel.isBuilt ? (
        <p className="text-sm text-slate-600">Azure ML publishes only built images: publish once a build of this version has succeeded.</p>
      ) : panel.registries.length === 0 ? (
        <p className="text-sm text-slate-600">No registry is open to your team yet. Ask an Admin to register one in Admin → Registries.</p>
      ) : (
        <form
          aria-label="Publish to registry"
          noValidate
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div>
            <label htmlFor={selectId} className="block text-xs font-medium text-slate-700">Registry</label>
            <select id={selectId} value={registryId} onChange={(e) => setRegistryId(e.target.value)} aria-describedby={`${selectId}-note`} className="mt-1 rounded-lg border border-slate-300 px-3 py-1.5 text-sm">
              {panel.registries.map((r) => (
                <option key={r.id} value={r.id}>{`${r.name} (${r.location})`}</option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={publish.isPending} className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
            {publish.isPending ? "Starting…" : "Publish"}
          </button>
          <p id={`${selectId}-note`} role={error ? "alert" : undefined} className={`w-full text-sm ${error ? "text-red-700" : "text-slate-500"}`}>
            {error || "Published under the same name and version."}
          </p>
        </form>
      )}
      {panel.publications.length ? (
        <ul aria-label="Publications" aria-live="polite" className="mt-3 space-y-2 text-sm">
          {panel.publications.map((p) => (
            <li key={p.id} className="rounded-lg border border-slate-100 p-2">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{p.registryName}</span>
                <StatusPill tone={STATUS[p.status].tone}>{STATUS[p.status].label}</StatusPill>
              </div>
              {p.status === "PUBLISHED" && p.assetUri ? (
                <div className="mt-1 flex flex-wrap items-center gap-2">
                  <code className="break-all font-mono text-xs text-slate-800">{p.assetUri}</code>
                  <CopyButton value={p.assetUri} label={`Copy the registry URI of ${p.registryName}`} />
                </div>
              ) : null}
              {p.status === "FAILED" && p.failureMessage ? <p className="mt-1 text-xs text-red-800">{p.failureMessage}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
