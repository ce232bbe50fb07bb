"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { setTwoPersonRuleAction } from "@/lib/actions/admin";

/** The Admin's switch for the two-person rule on new upstream sources. */
export function TwoPersonRuleToggle({ enabled }: { enabled: boolean }) {
  const descriptionId = useId();
  const [isOn, setIsOn] = useState(enabled);
  const { execute, result, isPending } = useAction(setTwoPersonRuleAction, {
    onSuccess: ({ data }) => {
      if (data) setIsOn(data.enabled);
    },
  });
  const status = result.serverError?.message ?? (result.data ? `Two-person rule is now ${result.data.enabled ? "on" : "off"}.` : "");
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">Two-person rule for new upstream sources</h3>
        <p id={descriptionId} className="mt-1 max-w-xl text-sm text-slate-600">
          When on, a proposed upstream needs approvals from two different approvers, and whoever proposed it can never approve it.
        </p>
      </div>
      <button
        type="button"
        role="switch"
        aria-checked={isOn}
        aria-describedby={descriptionId}
        disabled={isPending}
        onClick={() => execute({ enabled: !isOn })}
        className={`inline-flex items-center gap-2 rounded-full px-4 py-1.5 text-sm font-semibold disabled:opacity-60 ${isOn ? "bg-emerald-700 text-white" : "bg-slate-200 text-slate-900"}`}
      >
        <span aria-hidden="true" className={`h-3 w-3 rounded-full ${isOn ? "bg-white" : "bg-slate-500"}`} />
        Two-person rule <span aria-hidden="true">· {isOn ? "on" : "off"}</span>
      </button>
      <p role="status" aria-live="polite" className="w-full text-sm text-slate-700">{status}</p>
    </div>
  );
}
