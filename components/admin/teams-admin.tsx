"use client";

import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { createTeamAction, updateTeamAction } from "@/lib/actions/admin";
import type { AdminTeamView } from "@/lib/teams/admin-teams";
import { useFieldHelpers } from "@/components/ui/field-helpers";

interface Candidate {
  userId: string;
  name: string;
  email: string;
}

interface Props {
  teams: AdminTeamView[];
  regions: string[];
  /** People whose last sign-in carried the Approver role. */
  approverCandidates: Candidate[];
}

/** Teams, their Entra groups and settings: a list with an editor per team and a form for a new one. */
export function TeamsAdmin({ teams, regions, approverCandidates }: Props) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="space-y-8">
      <section aria-labelledby="teams-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="teams-heading" className="text-base font-semibold">Teams</h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          People join a team by being in one of its Entra groups: Feedgate reads the groups from their sign-in token (or from Microsoft Graph when they are in too many
          groups for the token) every time they sign in. Members added by hand stay.
        </p>
        {teams.length ? (
          <div className="mt-4 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="text-xs text-slate-600">
                  <th scope="col" className="py-1 pr-4 font-medium">Team</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Entra groups</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Members</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Approvers</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Default region</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Address pool</th>
                  <th scope="col" className="py-1 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {teams.map((team) => (
                  <TeamRow key={team.id} team={team} regions={regions} candidates={approverCandidates} editing={editing === team.id} onEdit={(on) => setEditing(on ? team.id : null)} />
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="mt-4 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
            No team yet. Create the first one below and map it to the Entra group its people are in.
          </p>
        )}
      </section>
      <section aria-labelledby="new-team-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="new-team-heading" className="text-base font-semibold">New team</h2>
        <TeamForm regions={regions} candidates={approverCandidates} />
      </section>
    </div>
  );
}

function TeamRow({ team, regions, candidates, editing, onEdit }: { team: AdminTeamView; regions: string[]; candidates: Candidate[]; editing: boolean; onEdit: (on: boolean) => void }) {
  return (
    <>
      <tr className="border-t border-slate-100 align-top">
        <th scope="row" className="py-2 pr-4 font-medium">
          {team.name}
          <div className="font-mono text-xs font-normal text-slate-500">{team.slug}</div>
        </th>
        <td className="py-2 pr-4">
          {team.groupIds.length ? (
            <ul className="space-y-0.5">
              {team.groupIds.map((g) => (
                <li key={g} className="font-mono text-xs">{g}</li>
              ))}
            </ul>
          ) : (
            <span className="text-slate-500">None: members are added by hand</span>
          )}
        </td>
        <td className="py-2 pr-4 text-slate-700">
          {team.members.entra + team.members.manual}
          <span className="block text-xs text-slate-500">{team.members.entra} from Entra, {team.members.manual} by hand</span>
        </td>
        <td className="py-2 pr-4">{team.approvers.length ? team.approvers.map((a) => a.name).join(", ") : <span className="text-slate-500">Any Approver</span>}</td>
        <td className="py-2 pr-4">{team.defaultRegion ?? <span className="text-slate-500">Not set</span>}</td>
        <td className="py-2 pr-4 font-mono text-xs">{team.addressPool ?? <span className="font-sans text-sm text-slate-500">Not set</span>}</td>
        <td className="py-2">
          <button
            type="button"
            onClick={() => onEdit(!editing)}
            aria-expanded={editing}
            aria-label={`${editing ? "Close editor of" : "Edit"} ${team.name}`}
            className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50"
          >
            {editing ? "Close" : "Edit"}
          </button>
        </td>
      </tr>
      {editing ? (
        <tr>
          <td colSpan={7} className="bg-slate-50 px-4 py-3">
            <TeamForm regions={regions} candidates={candidates} team={team} onDone={() => onEdit(false)} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

interface FormState {
  name: string;
  slug: string;
  groups: string;
  defaultRegion: string;
  addressPool: string;
}

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

/** Creates a team, or edits `team`. Checked here with the server's own schema first; the server checks again. */
function TeamForm({ regions, candidates, team, onDone }: { regions: string[]; candidates: Candidate[]; team?: AdminTeamView; onDone?: () => void }) {
  const initial: FormState = team
    ? { name: team.name, slug: team.slug, groups: team.groupIds.join("\n"), defaultRegion: team.defaultRegion ?? "", addressPool: team.addressPool ?? "" }
    : { name: "", slug: "", groups: "", defaultRegion: "", addressPool: "" };
  const [form, setForm] = useState<FormState>(initial);
  const [approverIds, setApproverIds] = useState<string[]>(team ? team.approvers.map((a) => a.userId) : []);
  const [slugTouched, setSlugTouched] = useState(Boolean(team));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState("");
  const create = useAction(createTeamAction);
  const update = useAction(updateTeamAction);
  const pending = create.isPending || update.isPending;
  const serverError = (team ? update : create).result.serverError;

  function set<K extends keyof FormState>(key: K, value: string) {
    setForm((f) => ({ ...f, [key]: value, ...(key === "name" && !slugTouched ? { slug: slugOf(value) } : {}) }));
    setErrors((e) => {
      const { [key === "groups" ? "groupIds" : key]: _dropped, ...rest } = e;
      return rest;
    });
  }

  async function submit() {
    setStatus("");
    // The zod schemas, shared with the server, load at the first submit rather than with the page.
    const { createTeamSchema, fieldErrorsOf, parseGroupIdList, updateTeamSchema } = await import("@/lib/validation/admin-teams");
    const input = { name: form.name, slug: form.slug, groupIds: parseGroupIdList(form.groups), approverIds, defaultRegion: form.defaultRegion, addressPool: form.addressPool };
    const checked = (team ? updateTeamSchema : createTeamSchema).safeParse(input);
    if (!checked.success) {
      setErrors(fieldErrorsOf(checked.error));
      return;
    }
    setErrors({});
    const result = team ? await update.executeAsync({ id: team.id, ...input }) : await create.executeAsync(input);
    if (result?.serverError?.fields) setErrors(result.serverError.fields);
    if (result?.validationErrors) setErrors(flattenValidation(result.validationErrors));
    if (!result?.data) return;
    if (team) {
      setStatus(`Saved ${result.data.name}.`);
      onDone?.();
    } else {
      setStatus(`Created ${result.data.name}.`);
      setForm({ name: "", slug: "", groups: "", defaultRegion: "", addressPool: "" });
      setApproverIds([]);
      setSlugTouched(false);
    }
  }

  const { field, note: hint, cls: inputClass, label, noteId } = useFieldHelpers(errors);
  const otherErrors = Object.entries(errors).filter(([k]) => !["name", "slug", "groupIds", "approverIds", "defaultRegion", "addressPool"].includes(k));
  // Someone named before who has since lost the role still shows, so the admin can remove them.
  const shown = [...candidates, ...(team?.approvers ?? []).filter((a) => !candidates.some((c) => c.userId === a.userId)).map((a) => ({ ...a, email: "no longer an Approver" }))];

  return (
    <form
      aria-label={team ? `Edit ${team.name}` : "New team"}
      noValidate
      className="mt-4 grid gap-4 md:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div>
        {label("name", "Name")}
        <input {...field("name")} value={form.name} onChange={(e) => set("name", e.target.value)} maxLength={80} className={inputClass("name")} />
        {hint("name", "What people see, e.g. Vision Research.")}
      </div>
      <div>
        {label("slug", "Slug")}
        <input
          {...field("slug")}
          value={form.slug}
          onChange={(e) => {
            setSlugTouched(true);
            set("slug", e.target.value);
          }}
          maxLength={40}
          className={`${inputClass("slug")} font-mono`}
        />
        {hint("slug", "Lower-case letters, digits and hyphens; names the team's feeds and resources.")}
      </div>
      <div className="md:col-span-2">
        {label("groupIds", "Entra group object ids")}
        <textarea {...field("groupIds")} value={form.groups} onChange={(e) => set("groups", e.target.value)} rows={3} className={`${inputClass("groupIds")} font-mono`} />
        {hint("groupIds", "One per line. Everyone in one of these groups (directly or through a nested group) is a member.")}
      </div>
      <fieldset className="md:col-span-2" aria-describedby={noteId("approverIds")}>
        <legend className="text-xs font-medium text-slate-700">Team approvers (optional)</legend>
        {shown.length ? (
          <div className="mt-1 flex flex-wrap gap-x-5 gap-y-1 text-sm">
            {shown.map((c) => (
              <label key={c.userId} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={approverIds.includes(c.userId)}
                  onChange={(e) => {
                    setApproverIds((ids) => (e.target.checked ? [...ids, c.userId] : ids.filter((id) => id !== c.userId)));
                    setErrors(({ approverIds: _dropped, ...rest }) => rest);
                  }}
                />
                {c.name} <span className="text-xs text-slate-500">{c.email}</span>
              </label>
            ))}
          </div>
        ) : (
          <p className="mt-1 text-sm text-slate-600">No Approver has signed in yet.</p>
        )}
        {hint("approverIds", "When any are ticked, only they decide this team's requests. None: every Approver does.")}
      </fieldset>
      <div>
        {label("defaultRegion", "Default region")}
        <select {...field("defaultRegion")} value={form.defaultRegion} onChange={(e) => set("defaultRegion", e.target.value)} className={inputClass("defaultRegion")}>
          <option value="">No default</option>
          {regions.map((r) => (
            <option key={r} value={r}>{r}</option>
          ))}
        </select>
        {hint("defaultRegion", "New workspaces of this team start in this region.")}
      </div>
      <div>
        {label("addressPool", "Address pool")}
        <input {...field("addressPool")} value={form.addressPool} onChange={(e) => set("addressPool", e.target.value)} placeholder="10.40.0.0/16" maxLength={18} className={`${inputClass("addressPool")} font-mono`} />
        {hint("addressPool", "New workspaces get non-overlapping ranges from it. It may not overlap another team's pool.")}
      </div>
      <div className="flex flex-wrap items-center gap-3 md:col-span-2">
        <button type="submit" disabled={pending} className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
          {pending ? "Saving…" : team ? "Save team" : "Create team"}
        </button>
        <p role="status" aria-live="polite" className="text-sm text-slate-700">{status}</p>
      </div>
      {serverError && !serverError.fields ? (
        <p role="alert" className="text-sm text-red-700 md:col-span-2">
          {serverError.message} {serverError.status >= 500 ? `(correlation id ${serverError.correlationId})` : null}
        </p>
      ) : null}
      {otherErrors.length ? (
        <p role="alert" className="text-sm text-red-700 md:col-span-2">{otherErrors.map(([, m]) => m).join(" ")}</p>
      ) : Object.keys(errors).length ? (
        <p role="alert" className="sr-only">Check the highlighted fields.</p>
      ) : null}
    </form>
  );
}

/** next-safe-action's formatted validation errors, first message per top-level field. */
function flattenValidation(errors: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(errors)) {
    const messages = (value as { _errors?: string[] } | undefined)?._errors;
    const first = messages?.[0] ?? findFirst(value);
    if (first) out[key === "_errors" ? "form" : key] = first;
  }
  return out;
}

function findFirst(value: unknown): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (k === "_errors" && Array.isArray(v) && typeof v[0] === "string") return v[0];
    const nested = findFirst(v);
    if (nested) return nested;
  }
  return undefined;
}
