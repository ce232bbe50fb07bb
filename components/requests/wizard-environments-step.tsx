"use client";

import { useId, useState } from "react";
import { parseEnvironmentYml } from "@/lib/validation/package-specs";
import { condaSpecErrors, requirementErrors, type EnvironmentState } from "@/lib/validation/request-wizard";
import { Field, FieldErrors } from "./wizard-fields";
import type { StepProps } from "./wizard-steps";

// ───────────────────────────── 4. environments ─────────────────────────────
// Its own module: the inline pip and conda checks run the server's zod schemas, so the wizard
// loads this step (and zod) when it is reached, not with the first step.

export function EnvironmentsStep({ state, options, update, errorsAt }: StepProps) {
  const add = () => update((s) => ({ ...s, environments: [...s.environments, { name: "", baseImage: options.baseImages[0]?.id ?? "", conda: "", pip: "" }] }));
  return (
    <>
      <p className="text-sm text-slate-600">Each environment becomes an Azure ML environment whose image installs only from your feed. You can leave this empty and only get the feed.</p>
      {state.environments.map((env, i) => (
        <EnvironmentFields key={i} index={i} env={env} state={state} options={options} update={update} errorsAt={errorsAt} />
      ))}
      <FieldErrors errors={errorsAt("environments", true)} />
      <button
        type="button"
        disabled={state.environments.length >= 10}
        onClick={add}
        className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
      >
        Add an environment
      </button>
    </>
  );
}

function EnvironmentFields({ index: i, env, state, options, update, errorsAt }: StepProps & { index: number; env: EnvironmentState }) {
  const [yml, setYml] = useState("");
  const [ymlMessage, setYmlMessage] = useState("");
  const ymlId = useId();
  const setEnv = (patch: Partial<EnvironmentState>) => update((s) => ({ ...s, environments: s.environments.map((e, j) => (j === i ? { ...e, ...patch } : e)) }));
  // Immediate feedback while typing or pasting: the same lines and schemas the server checks at Next and submit.
  const pipProblems = requirementErrors(env.pip);
  const condaProblems = condaSpecErrors(env.conda);
  const isArtifacts = state.feedHost.mode === "artifacts";
  const importYml = () => {
    const parsed = parseEnvironmentYml(yml);
    setEnv({ conda: [env.conda.trim(), ...parsed.conda].filter(Boolean).join("\n"), pip: [env.pip.trim(), ...parsed.pip].filter(Boolean).join("\n") });
    setYmlMessage(`Imported ${parsed.conda.length} conda and ${parsed.pip.length} pip package${parsed.conda.length + parsed.pip.length === 1 ? "" : "s"}${parsed.errors.length ? `; skipped ${parsed.errors.length}: ${parsed.errors.join("; ")}` : ""}.`);
  };
  return (
    <fieldset className="space-y-4 rounded-xl border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold text-slate-900">Environment {i + 1}</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" errors={errorsAt(`environments.${i}.name`)} hint="Letters, digits, - or _, starting with a letter.">
          {(p) => <input {...p} value={env.name} autoComplete="off" placeholder="vision-train" onChange={(e) => setEnv({ name: e.target.value })} />}
        </Field>
        <Field label="Base image" errors={errorsAt(`environments.${i}.baseImage`)}>
          {(p) => (
            <select {...p} value={env.baseImage} onChange={(e) => setEnv({ baseImage: e.target.value })}>
              <option value="">Choose a base image…</option>
              {options.baseImages.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Field
          label="pip requirements (requirements.txt)"
          errors={pipProblems.length ? pipProblems : errorsAt(`environments.${i}.pip`)}
          hint="One PEP 508 requirement per line, e.g. tinyml==0.3.0. Paste a requirements.txt here; comments are fine."
        >
          {(p) => <textarea {...p} rows={6} spellCheck={false} className={`${p.className} font-mono`} value={env.pip} onChange={(e) => setEnv({ pip: e.target.value })} />}
        </Field>
        <Field
          label="conda packages"
          errors={condaProblems.length ? condaProblems : errorsAt(`environments.${i}.conda`)}
          hint={isArtifacts ? "Azure Artifacts has no conda: leave this empty or pick a Nexus host." : "One match spec per line, e.g. tinyhttp or python=3.11."}
        >
          {(p) => <textarea {...p} rows={6} spellCheck={false} className={`${p.className} font-mono`} value={env.conda} onChange={(e) => setEnv({ conda: e.target.value })} />}
        </Field>
      </div>
      <details className="rounded-lg bg-slate-50 p-3 text-sm">
        <summary className="cursor-pointer font-medium text-slate-800">Import an environment.yml</summary>
        <label htmlFor={ymlId} className="mt-2 block text-xs text-slate-700">
          Paste the file; its dependencies (and the nested pip list) are added above. Channels are ignored: the feed decides them.
        </label>
        <textarea id={ymlId} rows={5} spellCheck={false} value={yml} onChange={(e) => setYml(e.target.value)} className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-xs" />
        <button type="button" onClick={importYml} disabled={!yml.trim()} className="mt-2 rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 disabled:opacity-50">
          Import packages
        </button>
        <p role="status" aria-live="polite" className="mt-1 text-xs text-slate-700">
          {ymlMessage}
        </p>
      </details>
      <button type="button" onClick={() => update((s) => ({ ...s, environments: s.environments.filter((_, j) => j !== i) }))} className="text-sm font-medium text-red-700 underline">
        Remove environment {i + 1}
      </button>
    </fieldset>
  );
}
