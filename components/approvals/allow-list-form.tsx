"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { setAllowListAction } from "@/lib/actions/policy";

interface FieldErrors {
  allowList?: string;
  reason?: string;
}

/**
 * Edit an approved upstream's package allow-list: names one per line (or comma separated), empty
 * for all packages. Checked with the server's schema before sending; the server re-checks the
 * Approver role and pushes the change to every live feed that proxies the upstream.
 */
export function AllowListForm({ upstreamId, name, allowList }: { upstreamId: string; name: string; allowList: string[] | null }) {
  const listId = useId();
  const listHintId = useId();
  const listErrorId = useId();
  const reasonId = useId();
  const reasonErrorId = useId();
  const [names, setNames] = useState((allowList ?? []).join("\n"));
  const [reason, setReason] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState("");
  const { executeAsync, result, isPending } = useAction(setAllowListAction);

  async function save() {
    setStatus("");
    const entries = splitNames(names);
    // The zod schema, shared with the server, loads at the first save rather than with the page.
    const { allowListInputSchema } = await import("@/lib/policy/policy-schemas");
    const parsed = allowListInputSchema.safeParse({ upstreamId, allowList: entries.length ? entries : null, reason });
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOf(parsed.error.issues, entries));
      return;
    }
    setFieldErrors({});
    const data = (await executeAsync(parsed.data))?.data;
    if (!data) return;
    setNames((data.allowList ?? []).join("\n"));
    setReason("");
    const scope = data.allowList ? `only ${data.allowList.join(", ")}` : "all packages";
    const reach = data.feeds ? `${data.feeds} live feed${data.feeds === 1 ? " gets" : "s get"} the change through a job.` : "No live Nexus feed proxies it, so no job was needed.";
    setStatus(`Allow-list of ${name} saved: ${scope}. ${reach}`);
  }

  const serverErrors = result.validationErrors;
  const listError = fieldErrors.allowList ?? (serverErrors?.allowList ? (firstMessage(serverErrors.allowList) ?? "Check the package names.") : undefined);
  const reasonError = fieldErrors.reason ?? serverErrors?.reason?._errors?.[0];
  const formError = result.serverError?.message ?? "";
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-sm font-medium text-slate-800">Edit allow-list of {name}…</summary>
      <form
        aria-label={`Allow-list of ${name}`}
        className="mt-2 grid gap-2 sm:max-w-xl"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div>
          <label htmlFor={listId} className="block text-xs font-medium text-slate-700">Packages allowed from {name}</label>
          <textarea
            id={listId}
            value={names}
            onChange={(e) => setNames(e.target.value)}
            rows={4}
            spellCheck={false}
            aria-invalid={listError ? true : undefined}
            aria-describedby={listError ? `${listHintId} ${listErrorId}` : listHintId}
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 font-mono text-sm"
          />
          <p id={listHintId} className="text-xs text-slate-600">One name per line or comma separated. Leave it empty to allow all packages.</p>
          {listError ? <p id={listErrorId} className="text-xs text-red-700">{listError}</p> : null}
        </div>
        <div>
          <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">Why change it?</label>
          <input
            id={reasonId}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={500}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? reasonErrorId : undefined}
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm"
          />
          {reasonError ? <p id={reasonErrorId} className="text-xs text-red-700">{reasonError}</p> : null}
        </div>
        <div>
          <button type="submit" disabled={isPending} className="rounded-lg bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">
            {isPending ? "Saving…" : "Save allow-list"}
          </button>
        </div>
        <p role="status" aria-live="polite" className="text-sm text-slate-700">{status}</p>
        {formError ? <p role="alert" className="text-sm text-red-700">{formError}</p> : null}
      </form>
    </details>
  );
}

/** The textarea's names, as the request wizard reads its allow-list field. */
function splitNames(value: string): string[] {
  return value.split(/(?:\r?\n|[ ,])+/).filter(Boolean);
}

/** The first issue per field; an issue on one name says which name. */
function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[], entries: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const [field, index] = issue.path;
    if (field === "allowList" && !out.allowList) out.allowList = typeof index === "number" ? `“${entries[index] ?? ""}”: ${issue.message}` : issue.message;
    if (field === "reason" && !out.reason) out.reason = issue.message;
  }
  return out;
}

/** The first message of a next-safe-action error node, which for an array field is one node per element. */
function firstMessage(node: { _errors?: string[] } | ({ _errors?: string[] } | undefined)[] | undefined): string | undefined {
  if (!node) return undefined;
  return (Array.isArray(node) ? node : [node]).flatMap((n) => n?._errors ?? [])[0];
}
