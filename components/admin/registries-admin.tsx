"use client";

import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { registerRegistryAction, setRegistryTeamsAction } from "@/lib/actions/registries";
import type { AdminRegistryView } from "@/lib/registries/admin-registries";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { useFormFields } from "@/components/ui/field-helpers";
import { StatusPill } from "@/components/ui/status-pill";

type Team = { id: string; name: string };

interface Props {
  registries: AdminRegistryView[];
  teams: Team[];
  subscriptionId: string;
}

/** Registered Azure ML registries with the teams that may publish to them, and the form to register one. */
export function RegistriesAdmin({ registries, teams, subscriptionId }: Props) {
  return (
    <div className="space-y-8">
      <section aria-labelledby="registries-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="registries-heading" className="text-base font-semibold">Registered registries</h2>
        {registries.length ? (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Registered Azure ML registries</caption>
              <thead>
                <tr className="text-xs text-slate-600">
                  <th scope="col" className="py-1 pr-4 font-medium">Registry</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Location</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Published</th>
                  <th scope="col" className="py-1 font-medium">Teams</th>
                </tr>
              </thead>
              <tbody>
                {registries.map((r) => (
                  <tr key={r.id} className="border-t border-slate-100 align-top">
                    <th scope="row" className="py-2 pr-4 font-medium">
                      {r.name}
                      <div className="font-mono text-xs font-normal text-slate-500">{r.resourceGroup}</div>
                    </th>
                    <td className="py-2 pr-4">{r.location}</td>
                    <td className="py-2 pr-4"><StatusPill tone={r.publishedCount ? "good" : "neutral"}>{`${r.publishedCount} version${r.publishedCount === 1 ? "" : "s"}`}</StatusPill></td>
                    <td className="py-2"><RegistryTeams registry={r} teams={teams} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="mt-3 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
            No registry registered yet. Register one below so teams can publish their built environments to it.
          </p>
        )}
      </section>
      <section aria-labelledby="register-registry-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="register-registry-heading" className="text-base font-semibold">Register a registry</h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">Feedgate reads the registry through Azure Resource Manager before registering it. Only the teams you pick may publish to it.</p>
        <RegisterRegistryForm teams={teams} subscriptionId={subscriptionId} />
      </section>
    </div>
  );
}

function TeamChoices({ teams, chosen, onChange, legend, describedBy }: { teams: Team[]; chosen: string[]; onChange: (ids: string[]) => void; legend: string; describedBy?: string }) {
  return (
    <fieldset aria-describedby={describedBy}>
      <legend className="text-xs font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {teams.map((t) => (
          <label key={t.id} className="flex items-center gap-2">
            <input type="checkbox" checked={chosen.includes(t.id)} onChange={(e) => onChange(e.target.checked ? [...chosen, t.id] : chosen.filter((id) => id !== t.id))} />
            {t.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function RegistryTeams({ registry, teams }: { registry: AdminRegistryView; teams: Team[] }) {
  const [editing, setEditing] = useState(false);
  const [chosen, setChosen] = useState(registry.teams.map((t) => t.id));
  const [error, setError] = useState("");
  const { executeAsync, isPending } = useAction(setRegistryTeamsAction);
  if (!editing) {
    return (
      <span className="flex flex-wrap items-center gap-2">
        <span>{registry.teams.map((t) => t.name).join(", ")}</span>
        <button type="button" onClick={() => setEditing(true)} className="text-xs text-sky-800 underline" aria-label={`Change the teams of ${registry.name}`}>Change</button>
      </span>
    );
  }
  async function save() {
    setError("");
    const res = await executeAsync({ registryId: registry.id, teamIds: chosen });
    if (res?.serverError) return setError(res.serverError.fields?.teamIds ?? res.serverError.message);
    if (res?.validationErrors) return setError("Pick at least one team.");
    setEditing(false);
  }
  return (
    <form aria-label={`Teams of ${registry.name}`} noValidate onSubmit={(e) => { e.preventDefault(); void save(); }} className="space-y-2">
      <TeamChoices teams={teams} chosen={chosen} onChange={setChosen} legend="Teams that may publish" />
      <div className="flex items-center gap-2">
        <button type="submit" disabled={isPending} className="rounded-md bg-sky-700 px-3 py-1 text-xs font-semibold text-white disabled:opacity-60">{isPending ? "Saving…" : "Save"}</button>
        <button type="button" onClick={() => setEditing(false)} className="text-xs text-slate-700 underline">Cancel</button>
        {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
      </div>
    </form>
  );
}

function RegisterRegistryForm({ teams, subscriptionId }: { teams: Team[]; subscriptionId: string }) {
  const empty = { subscriptionId, resourceGroup: "", name: "", location: "" };
  const { values, setValues, errors, setErrors, set, h } = useFormFields(empty);
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const [status, setStatus] = useState("");
  const { executeAsync, isPending, result } = useAction(registerRegistryAction);

  async function submit() {
    setStatus("");
    const input = { ...values, teamIds };
    // The zod schema, shared with the server, loads at the first submit rather than with the page.
    const { registerRegistryInputSchema } = await import("@/lib/validation/aml-registries");
    const checked = registerRegistryInputSchema.safeParse(input);
    if (!checked.success) return setErrors(fieldErrorsOf(checked.error));
    const res = await executeAsync(checked.data);
    if (res?.serverError?.fields) return setErrors(res.serverError.fields);
    if (!res?.data) return;
    setStatus(`Registered ${res.data.name} for ${res.data.teams.map((t) => t.name).join(", ")}.`);
    setValues(empty);
    setTeamIds([]);
  }

  return (
    <form aria-label="Register a registry" noValidate className="mt-4 grid gap-4 md:grid-cols-2" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <div>
        {h.label("subscriptionId", "Subscription id")}
        <input {...h.field("subscriptionId")} value={values.subscriptionId} onChange={(e) => set("subscriptionId", e.target.value)} maxLength={36} className={h.cls("subscriptionId", "font-mono")} spellCheck={false} />
        {h.note("subscriptionId", "The subscription that holds the registry (a GUID).")}
      </div>
      <div>
        {h.label("resourceGroup", "Resource group")}
        <input {...h.field("resourceGroup")} value={values.resourceGroup} onChange={(e) => set("resourceGroup", e.target.value)} maxLength={90} className={h.cls("resourceGroup", "font-mono")} placeholder="rg-ml-registries" spellCheck={false} />
        {h.note("resourceGroup", "Letters, digits, _ - . ( ); at most 90.")}
      </div>
      <div>
        {h.label("name", "Registry name")}
        <input {...h.field("name")} value={values.name} onChange={(e) => set("name", e.target.value)} maxLength={33} className={h.cls("name", "font-mono")} placeholder="mlreg-shared" spellCheck={false} />
        {h.note("name", "3–33 letters, digits, - or _, as in Azure.")}
      </div>
      <div>
        {h.label("location", "Location")}
        <input {...h.field("location")} value={values.location} onChange={(e) => set("location", e.target.value)} maxLength={40} className={h.cls("location", "font-mono")} placeholder="eastus" spellCheck={false} />
        {h.note("location", "The registry's primary region, as Azure names it.")}
      </div>
      <div className="md:col-span-2">
        <TeamChoices teams={teams} chosen={teamIds} onChange={(ids) => { setTeamIds(ids); setErrors(({ teamIds: _dropped, ...rest }) => rest); }} legend="Teams that may publish" describedBy={h.noteId("teamIds")} />
        {h.note("teamIds", "Members of these teams can publish their built environments here.")}
      </div>
      <div className="flex flex-wrap items-center gap-3 md:col-span-2">
        <button type="submit" disabled={isPending} className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
          {isPending ? "Registering…" : "Register registry"}
        </button>
        <p role="status" aria-live="polite" className="text-sm text-slate-700">{status}</p>
      </div>
      {result.serverError && !result.serverError.fields ? <p role="alert" className="text-sm text-red-700 md:col-span-2">{result.serverError.message}</p> : null}
      {Object.keys(errors).length ? <p role="alert" className="sr-only">Check the highlighted fields.</p> : null}
    </form>
  );
}
