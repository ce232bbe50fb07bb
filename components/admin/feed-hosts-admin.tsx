"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { registerFeedHostAction, setFeedHostEnabledAction, testFeedHostConnectionAction, updateFeedHostAction } from "@/lib/actions/admin";
import type { AdminFeedHostView } from "@/lib/feed-hosts/admin-feed-hosts";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { useFormFields } from "@/components/ui/field-helpers";
import { StatusPill } from "@/components/ui/status-pill";

const timeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Feed hosts: each with its state, last connection test and actions, and the form for a new one. */
/** `credentialRefForms` comes from the server page, so the reference parser stays out of the browser bundle. */
export function FeedHostsAdmin({ hosts, credentialRefForms }: { hosts: AdminFeedHostView[]; credentialRefForms: string }) {
  return (
    <div className="space-y-8">
      <section aria-labelledby="hosts-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="hosts-heading" className="text-base font-semibold">Feed hosts</h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Where teams&apos; feeds live. Credentials are stored only as references ({credentialRefForms}); the worker resolves them when it needs them, and no page shows
          a secret. A disabled host takes no new feeds; the feeds it already serves keep working.
        </p>
        {hosts.length ? (
          <ul className="mt-4 space-y-4">
            {hosts.map((host) => (
              <HostCard key={host.id} host={host} credentialRefForms={credentialRefForms} />
            ))}
          </ul>
        ) : (
          <p className="mt-4 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
            No feed host yet. Register your Nexus (or an Azure Artifacts project) below, then test its connection.
          </p>
        )}
      </section>
      <section aria-labelledby="new-host-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="new-host-heading" className="text-base font-semibold">Register a feed host</h2>
        <RegisterHostForm credentialRefForms={credentialRefForms} />
      </section>
    </div>
  );
}

function StatusBadge({ status }: { status: string }) {
  if (status === "ACTIVE") return <StatusPill tone="good">Active</StatusPill>;
  if (status === "DISABLED") return <StatusPill tone="neutral">Disabled</StatusPill>;
  return <StatusPill tone="warn">Provisioning</StatusPill>;
}

function HostCard({ host, credentialRefForms }: { host: AdminFeedHostView; credentialRefForms: string }) {
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const test = useAction(testFeedHostConnectionAction);
  const [testStatus, setTestStatus] = useState("");
  // Whichever is newer: the answer to this click, or the host as the page last loaded it.
  const fromTest = test.result.data?.host;
  const testIsNewer = fromTest?.lastCheckedAt && (!host.lastCheckedAt || new Date(fromTest.lastCheckedAt) > new Date(host.lastCheckedAt));
  const check = testIsNewer ? fromTest.lastCheck : host.lastCheck;
  const checkedAt = testIsNewer ? fromTest.lastCheckedAt : host.lastCheckedAt;

  async function runTest() {
    setTestStatus("Testing the connection…");
    const result = await test.executeAsync({ id: host.id });
    if (!result?.data) return setTestStatus("");
    setTestStatus(result.data.finished ? (result.data.host?.lastCheck?.ok ? "Every check passed." : "Some checks failed; see below.") : "The worker has not answered yet; the result appears here once it has. Reload in a moment.");
  }

  return (
    <li className="rounded-lg border border-slate-200 p-4">
      <article aria-labelledby={headingId}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h3 id={headingId} className="flex items-center gap-2 font-semibold">
              {host.name} <StatusBadge status={host.status} />
            </h3>
            <p className="mt-0.5 text-xs text-slate-600">
              {host.kind === "nexus" ? "Nexus Repository" : `Azure Artifacts · ${host.organization}/${host.project}`} · {host.feedCount} feed{host.feedCount === 1 ? "" : "s"}
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="button" onClick={() => void runTest()} disabled={test.isPending} className="rounded-lg border border-sky-700 px-3 py-1 text-sm font-medium text-sky-800 hover:bg-sky-50 disabled:opacity-60">
              {test.isPending ? "Testing…" : "Test connection"}
            </button>
            <button type="button" onClick={() => setEditing((e) => !e)} aria-expanded={editing} className="rounded-lg border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50">
              {editing ? "Close" : "Edit"}
            </button>
            {host.status !== "PROVISIONING" ? <EnableToggle host={host} /> : null}
          </div>
        </div>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-600">URL</dt>
          <dd className="break-all font-mono text-xs leading-5">{host.baseUrl}</dd>
          <dt className="text-slate-600">Credential reference</dt>
          <dd className="break-all font-mono text-xs leading-5">{host.credentialRef}</dd>
          {host.kind === "nexus" ? (
            <>
              <dt className="text-slate-600">CA certificate</dt>
              <dd>{host.caCertificate ? "Custom CA set" : "Publicly trusted (or the worker's NODE_EXTRA_CA_CERTS)"}</dd>
            </>
          ) : null}
        </dl>
        <p role="status" aria-live="polite" className="mt-2 text-sm text-slate-700">{testStatus}</p>
        {test.result.serverError ? <p role="alert" className="mt-1 text-sm text-red-700">{test.result.serverError.message}</p> : null}
        {check ? (
          <div className="mt-3 rounded-lg bg-slate-50 p-3" aria-label={`Last connection test of ${host.name}`} role="group">
            <p className="text-sm font-medium">
              {check.ok ? "Last test passed" : "Last test failed"}
              {checkedAt ? <span className="font-normal text-slate-600"> · {timeFormat.format(new Date(checkedAt))} UTC</span> : null}
            </p>
            <ul className="mt-1 space-y-0.5 text-sm">
              {check.checks.map((c) => (
                <li key={c.name} className={c.ok ? "text-slate-700" : "text-red-800"}>
                  <span aria-hidden="true">{c.ok ? "✓" : "✗"}</span> <span className="font-medium capitalize">{c.name}</span>
                  <span className="sr-only">{c.ok ? " passed" : " failed"}</span>: {c.detail}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="mt-3 text-sm text-slate-600">Not tested yet.</p>
        )}
        {editing ? <EditHostForm host={host} credentialRefForms={credentialRefForms} onDone={() => setEditing(false)} /> : null}
      </article>
    </li>
  );
}

function EnableToggle({ host }: { host: AdminFeedHostView }) {
  const reasonId = useId();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const { executeAsync, result, isPending } = useAction(setFeedHostEnabledAction);
  const error = result.serverError?.fields?.reason ?? result.serverError?.message ?? (result.validationErrors ? "Say why the host is disabled." : "");
  if (host.status === "DISABLED") {
    return (
      <>
        <button type="button" onClick={() => void executeAsync({ id: host.id, enabled: true, reason: "" })} disabled={isPending} className="rounded-lg border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50 disabled:opacity-60">
          {isPending ? "Enabling…" : "Enable"}
        </button>
        {error ? <p role="alert" className="w-full text-sm text-red-700">{error}</p> : null}
      </>
    );
  }
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)} className="rounded-lg border border-red-300 px-3 py-1 text-sm text-red-800 hover:bg-red-50">
        Disable
      </button>
    );
  }
  return (
    <form
      className="flex w-full flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        void executeAsync({ id: host.id, enabled: false, reason }).then((r) => r?.data && setAsking(false));
      }}
    >
      <div className="min-w-64 flex-1">
        <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">Why disable {host.name}?</label>
        <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus maxLength={500} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
      </div>
      <button type="submit" disabled={isPending} className="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60">
        {isPending ? "Disabling…" : "Disable for new feeds"}
      </button>
      <button type="button" onClick={() => setAsking(false)} className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm">Keep active</button>
      {error ? <p role="alert" className="w-full text-sm text-red-700">{error}</p> : null}
    </form>
  );
}

type Kind = "nexus" | "artifacts";

function RegisterHostForm({ credentialRefForms }: { credentialRefForms: string }) {
  const [kind, setKind] = useState<Kind>("nexus");
  const { values, setValues, errors, setErrors, set, h } = useFormFields({ name: "", baseUrl: "", credentialRef: "", caCertificate: "", organization: "", project: "" });
  const [status, setStatus] = useState("");
  const { executeAsync, isPending, result } = useAction(registerFeedHostAction);

  async function submit() {
    setStatus("");
    const input =
      kind === "nexus"
        ? { kind, name: values.name, baseUrl: values.baseUrl, credentialRef: values.credentialRef, caCertificate: values.caCertificate }
        : { kind, name: values.name, organization: values.organization, project: values.project, credentialRef: values.credentialRef };
    const { registerFeedHostSchema } = await loadSchemas();
    const checked = registerFeedHostSchema.safeParse(input);
    if (!checked.success) return setErrors(fieldErrorsOf(checked.error));
    const res = await executeAsync(input);
    if (res?.serverError?.fields) return setErrors(res.serverError.fields);
    if (!res?.data) return;
    setStatus(`Registered ${res.data.name}. Test its connection before teams use it.`);
    setValues({ name: "", baseUrl: "", credentialRef: "", caCertificate: "", organization: "", project: "" });
  }

  return (
    <form
      aria-label="Register a feed host"
      noValidate
      className="mt-4 grid gap-4 md:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset className="md:col-span-2">
        <legend className="text-xs font-medium text-slate-700">Kind</legend>
        <div className="mt-1 flex gap-4 text-sm">
          {(["nexus", "artifacts"] as const).map((k) => (
            <label key={k} className="flex items-center gap-2">
              <input type="radio" name="host-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {k === "nexus" ? "Nexus Repository" : "Azure Artifacts project"}
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        {h.label("name", "Name")}
        <input {...h.field("name")} value={values.name} onChange={(e) => set("name", e.target.value)} maxLength={60} className={h.cls("name", "font-mono")} placeholder="nexus-westeurope" />
        {h.note("name", "Lower-case letters, digits and hyphens. Requesters pick hosts by it.")}
      </div>
      {kind === "nexus" ? (
        <div>
          {h.label("baseUrl", "Base URL")}
          <input {...h.field("baseUrl")} value={values.baseUrl} onChange={(e) => set("baseUrl", e.target.value)} className={h.cls("baseUrl", "font-mono")} placeholder="https://nexus.contoso.internal:8443" inputMode="url" />
          {h.note("baseUrl", "https only, without user name or password.")}
        </div>
      ) : (
        <div className="grid grid-cols-2 gap-3">
          <div>
            {h.label("organization", "Organization")}
            <input {...h.field("organization")} value={values.organization} onChange={(e) => set("organization", e.target.value)} className={h.cls("organization", "font-mono")} placeholder="contoso" />
            {h.note("organization", "As in dev.azure.com/<organization>.")}
          </div>
          <div>
            {h.label("project", "Project")}
            <input {...h.field("project")} value={values.project} onChange={(e) => set("project", e.target.value)} className={h.cls("project", "font-mono")} placeholder="ml-platform" />
            {h.note("project", "The project that holds the feeds.")}
          </div>
        </div>
      )}
      <div className="md:col-span-2">
        {h.label("credentialRef", kind === "nexus" ? "Admin password reference" : "PAT reference")}
        <input {...h.field("credentialRef")} value={values.credentialRef} onChange={(e) => set("credentialRef", e.target.value)} className={h.cls("credentialRef", "font-mono")} placeholder="https://kv-platform.vault.azure.net/secrets/nexus-admin-password" autoComplete="off" spellCheck={false} />
        {h.note("credentialRef", `Where the secret lives, never the secret: ${credentialRefForms}.`)}
      </div>
      {kind === "nexus" ? (
        <div className="md:col-span-2">
          {h.label("caCertificate", "CA certificate (optional)")}
          <textarea {...h.field("caCertificate")} value={values.caCertificate} onChange={(e) => set("caCertificate", e.target.value)} rows={3} className={h.cls("caCertificate", "font-mono text-xs")} placeholder="-----BEGIN CERTIFICATE-----" spellCheck={false} />
          {h.note("caCertificate", "PEM of the CA that signed the host's TLS certificate, when it is not publicly trusted.")}
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-3 md:col-span-2">
        <button type="submit" disabled={isPending} className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
          {isPending ? "Registering…" : "Register host"}
        </button>
        <p role="status" aria-live="polite" className="text-sm text-slate-700">{status}</p>
      </div>
      {result.serverError && !result.serverError.fields ? <p role="alert" className="text-sm text-red-700 md:col-span-2">{result.serverError.message}</p> : null}
      {Object.keys(errors).length ? <p role="alert" className="sr-only">Check the highlighted fields.</p> : null}
    </form>
  );
}

function EditHostForm({ host, credentialRefForms, onDone }: { host: AdminFeedHostView; credentialRefForms: string; onDone: () => void }) {
  const { values, setErrors, set, h } = useFormFields({ baseUrl: host.baseUrl, credentialRef: host.credentialRef, caCertificate: host.caCertificate ?? "", organization: host.organization ?? "", project: host.project ?? "" });
  const { executeAsync, isPending, result } = useAction(updateFeedHostAction);
  async function submit() {
    const input = host.kind === "nexus" ? { baseUrl: values.baseUrl, credentialRef: values.credentialRef, caCertificate: values.caCertificate } : { organization: values.organization, project: values.project, credentialRef: values.credentialRef };
    const { updateFeedHostSchema } = await loadSchemas();
    const checked = updateFeedHostSchema.safeParse(input);
    if (!checked.success) return setErrors(fieldErrorsOf(checked.error));
    const res = await executeAsync({ id: host.id, ...input });
    if (res?.serverError?.fields) return setErrors(res.serverError.fields);
    if (res?.data) onDone();
  }
  return (
    <form
      aria-label={`Edit ${host.name}`}
      noValidate
      className="mt-4 grid gap-3 border-t border-slate-200 pt-4 md:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {host.kind === "nexus" ? (
        <div>
          {h.label("baseUrl", "Base URL")}
          <input {...h.field("baseUrl")} value={values.baseUrl} onChange={(e) => set("baseUrl", e.target.value)} className={h.cls("baseUrl", "font-mono")} />
          {h.note("baseUrl", "https only.")}
        </div>
      ) : (
        <div className="grid grid-cols-2 gap-3">
          <div>
            {h.label("organization", "Organization")}
            <input {...h.field("organization")} value={values.organization} onChange={(e) => set("organization", e.target.value)} className={h.cls("organization", "font-mono")} />
            {h.note("organization", "")}
          </div>
          <div>
            {h.label("project", "Project")}
            <input {...h.field("project")} value={values.project} onChange={(e) => set("project", e.target.value)} className={h.cls("project", "font-mono")} />
            {h.note("project", "")}
          </div>
        </div>
      )}
      <div>
        {h.label("credentialRef", "Credential reference")}
        <input {...h.field("credentialRef")} value={values.credentialRef} onChange={(e) => set("credentialRef", e.target.value)} className={h.cls("credentialRef", "font-mono")} autoComplete="off" spellCheck={false} />
        {h.note("credentialRef", credentialRefForms)}
      </div>
      {host.kind === "nexus" ? (
        <div className="md:col-span-2">
          {h.label("caCertificate", "CA certificate (empty for none)")}
          <textarea {...h.field("caCertificate")} value={values.caCertificate} onChange={(e) => set("caCertificate", e.target.value)} rows={3} className={h.cls("caCertificate", "font-mono text-xs")} spellCheck={false} />
          {h.note("caCertificate", "PEM only.")}
        </div>
      ) : null}
      <div className="flex items-center gap-3 md:col-span-2">
        <button type="submit" disabled={isPending} className="rounded-lg bg-sky-700 px-4 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
          {isPending ? "Saving…" : "Save host"}
        </button>
        {result.serverError && !result.serverError.fields ? <p role="alert" className="text-sm text-red-700">{result.serverError.message}</p> : null}
      </div>
    </form>
  );
}

/** The forms' zod schemas, shared with the server, load at the first submit rather than with the page. */
function loadSchemas() {
  return import("@/lib/validation/admin-feed-hosts");
}
