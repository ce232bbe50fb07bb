"use client";
/**
 * The accessible wiring of an admin form's fields, shared so every form shows a field's error
 * the same way: in place of its hint, linked by aria-describedby, with aria-invalid set.
 */
import { useCallback, useId, useState } from "react";

export function useFieldHelpers(errors: Record<string, string>) {
  const base = useId();
  const noteId = (key: string) => `${base}-${key}-note`;
  const field = (key: string) => ({
    id: `${base}-${key}`,
    "aria-invalid": errors[key] ? true : undefined,
    "aria-describedby": noteId(key),
  });
  /** The hint under a field, replaced by the field's error when it has one. */
  const note = (key: string, hint: string) => (
    <p id={noteId(key)} className={`mt-1 text-xs ${errors[key] ? "text-red-700" : "text-slate-500"}`}>
      {errors[key] ?? hint}
    </p>
  );
  const label = (key: string, text: string) => (
    <label htmlFor={`${base}-${key}`} className="block text-xs font-medium text-slate-700">
      {text}
    </label>
  );
  const cls = (key: string, extra = "") => `mt-1 w-full rounded-lg border px-3 py-1.5 text-sm ${errors[key] ? "border-red-500" : "border-slate-300"} ${extra}`.trimEnd();
  return { field, note, label, cls, noteId };
}

/**
 * A form's text values and their errors, with the field wiring above: `set` changes one value
 * and clears that field's error, so a person sees an error go as soon as they fix it.
 */
export function useFormFields<T extends Record<string, string>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = useCallback((key: keyof T & string, value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors(({ [key]: _dropped, ...rest }) => rest);
  }, []);
  return { values, setValues, errors, setErrors, set, h: useFieldHelpers(errors) };
}
