"use client";

import { useId, type ReactNode } from "react";

const inputClass =
  "mt-1 block w-full rounded-lg border px-3 py-2 text-sm shadow-sm focus:border-sky-600 focus:outline-2 focus:outline-sky-600 aria-[invalid=true]:border-red-600";

interface FieldProps {
  label: string;
  hint?: ReactNode;
  errors?: string[];
  children: (props: { id: string; "aria-describedby": string | undefined; "aria-invalid": boolean; className: string }) => ReactNode;
}

/** A labelled control with its hint and inline errors wired up through aria-describedby. */
export function Field({ label, hint, errors = [], children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : "", errors.length ? errorId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="mt-0.5 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {children({ id, "aria-describedby": describedBy, "aria-invalid": errors.length > 0, className: `${inputClass} ${errors.length ? "border-red-600" : "border-slate-300"}` })}
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}

export function FieldErrors({ id, errors }: { id?: string; errors: string[] }) {
  if (!errors.length) return null;
  return (
    <ul id={id} className="mt-1 space-y-0.5 text-sm text-red-700" data-testid="field-error">
      {errors.map((e) => (
        <li key={e}>
          <span aria-hidden="true">⚠ </span>
          {e}
        </li>
      ))}
    </ul>
  );
}

/** Radio options in a fieldset with a legend: arrow keys move between them natively. */
export function RadioGroup<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
  errors = [],
}: {
  legend: string;
  name: string;
  value: T;
  options: { value: T; label: string; description: ReactNode }[];
  onChange: (value: T) => void;
  errors?: string[];
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-2 grid gap-3 sm:grid-cols-2">
        {options.map((o) => (
          <label key={o.value} className={`flex cursor-pointer gap-3 rounded-xl border p-4 text-sm ${value === o.value ? "border-sky-600 bg-sky-50" : "border-slate-200 bg-white hover:border-slate-300"}`}>
            <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} className="mt-1 h-4 w-4 accent-sky-700" />
            <span>
              <span className="block font-semibold text-slate-900">{o.label}</span>
              <span className="mt-0.5 block text-slate-600">{o.description}</span>
            </span>
          </label>
        ))}
      </div>
      <FieldErrors errors={errors} />
    </fieldset>
  );
}
