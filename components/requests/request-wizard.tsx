"use client";

import { useRouter } from "next/navigation";
import { lazy, Suspense, useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { saveDraftAction, submitRequestAction } from "@/lib/actions/requests";
import type { RequestPreview } from "@/lib/requests/build-request-preview";
import type { WizardOptions } from "@/lib/requests/get-wizard-options";
import type { RequestIssue } from "@/lib/requests/request-validation-error";
import type { WizardState } from "@/lib/validation/request-wizard";
import { describePath, WIZARD_STEPS } from "@/lib/validation/wizard-steps";
import { FeedHostStep, UpstreamsStep, WorkspaceStep, type StepProps } from "./wizard-steps";

const REVIEW = WIZARD_STEPS.length - 1;
// The environments step (its spec checks load zod) and the review (previews, their highlighter)
// load when they are reached, not with the wizard's first step.
const EnvironmentsStep = lazy(() => import("./wizard-environments-step").then((m) => ({ default: m.EnvironmentsStep })));
const ReviewStep = lazy(() => import("./wizard-review").then((m) => ({ default: m.ReviewStep })));
const AUTOSAVE_MS = 700;

type SaveStatus = { kind: "idle" } | { kind: "pending" } | { kind: "saving" } | { kind: "saved"; at: string } | { kind: "error"; message: string };

/**
 * The request wizard. Every change is saved to the server as a draft (debounced, one save at
 * a time, so the first save creates exactly one draft); "Next" saves and asks the server's
 * feedRequestSchema whether this step is complete, so the errors shown are exactly the ones
 * submit would give. The draft id goes into the URL, so a refresh resumes where it was.
 */
/** Hydration as an external store: false on the server and while hydrating, true after. */
const noSubscription = () => () => undefined;

export function RequestWizard({ options, initialState, initialRequestId }: { options: WizardOptions; initialState: WizardState; initialRequestId: string | null }) {
  const router = useRouter();
  const [state, setState] = useState<WizardState>(initialState);
  const [issues, setIssues] = useState<RequestIssue[]>([]);
  const [checkedSteps, setCheckedSteps] = useState<Set<number>>(() => new Set(initialRequestId ? range(initialState.step) : []));
  const [saveStatus, setSaveStatus] = useState<SaveStatus>({ kind: "idle" });
  const [preview, setPreview] = useState<RequestPreview | null>(null);
  const [isSummaryShown, setIsSummaryShown] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [isAdvancing, setIsAdvancing] = useState(false);

  const stateRef = useRef(state);
  const idRef = useRef<string | null>(initialRequestId);
  const inFlight = useRef<Promise<unknown> | null>(null);
  const hasChanged = useRef(false);
  const isSubmitting = useRef(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const isFirstRender = useRef(true);

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  const save = useCallback(async (withPreview: boolean) => {
    // One save at a time: the first one creates the draft, and later ones must carry its id.
    while (inFlight.current) await inFlight.current.catch(() => undefined);
    const run = (async () => {
      setSaveStatus({ kind: "saving" });
      const result = await saveDraftAction({ requestId: idRef.current ?? undefined, state: stateRef.current, preview: withPreview });
      if (!result.data) {
        const message = result.serverError?.message ?? "The draft could not be saved. Check your connection and try again.";
        setSaveStatus({ kind: "error", message });
        return null;
      }
      if (!idRef.current) {
        idRef.current = result.data.id;
        window.history.replaceState(null, "", `/requests/new?draft=${result.data.id}`);
      }
      setIssues(result.data.issues);
      if (withPreview) setPreview(result.data.preview);
      setSaveStatus({ kind: "saved", at: new Date(result.data.savedAt).toLocaleTimeString() });
      return result.data;
    })();
    inFlight.current = run;
    try {
      return await run;
    } catch {
      setSaveStatus({ kind: "error", message: "The draft could not be saved. Check your connection and try again." });
      return null;
    } finally {
      if (inFlight.current === run) inFlight.current = null;
    }
  }, []);

  // Autosave after typing pauses.
  useEffect(() => {
    if (!hasChanged.current) return;
    const timer = setTimeout(() => void save(state.step === REVIEW), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [state, save]);

  // Focus the step heading whenever the step changes, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (isFirstRender.current) {
      isFirstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [state.step]);

  // A draft resumed on its review step needs its preview.
  useEffect(() => {
    if (state.step === REVIEW && !preview && idRef.current) void save(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when arriving on the review step
  }, [state.step]);

  const update = useCallback((change: (s: WizardState) => WizardState) => {
    hasChanged.current = true;
    setSaveStatus((st) => (st.kind === "error" ? st : { kind: "pending" }));
    setState((s) => change(s));
  }, []);

  const goTo = (step: number) => {
    setIsSummaryShown(false);
    setSubmitError(null);
    update((s) => ({ ...s, step }));
  };

  const goNext = async () => {
    if (isAdvancing) return;
    setIsAdvancing(true);
    try {
      const saved = await save(state.step + 1 === REVIEW);
      if (!saved) return;
      setCheckedSteps((c) => new Set(c).add(state.step));
      const here = saved.issues.filter((i) => i.step === state.step);
      if (here.length) {
        setIsSummaryShown(true);
        requestAnimationFrame(() => summaryRef.current?.focus());
        return;
      }
      goTo(state.step + 1);
    } finally {
      setIsAdvancing(false);
    }
  };

  const submit = async () => {
    if (isSubmitting.current) return;
    isSubmitting.current = true;
    setSubmitError(null);
    try {
      const saved = await save(true);
      const id = idRef.current;
      if (!saved || !id) return void (isSubmitting.current = false);
      const result = await submitRequestAction({ requestId: id });
      if (result.data?.ok) {
        router.push(`/requests/${id}?submitted=1`);
        return; // stays "submitting" until the page changes: no second submit
      }
      isSubmitting.current = false;
      if (result.data && !result.data.ok) {
        setIssues(result.data.issues);
        setCheckedSteps(new Set(range(REVIEW + 1)));
        setSubmitError(result.data.message);
        requestAnimationFrame(() => summaryRef.current?.focus());
      } else {
        setSubmitError(result.serverError?.message ?? "The request could not be submitted. Try again.");
      }
    } catch {
      isSubmitting.current = false;
      setSubmitError("The request could not be submitted. Check your connection and try again.");
    }
  };

  const errorsAt = (path: string, exact = false) =>
    issues.filter((i) => checkedSteps.has(i.step) && (i.path === path || (!exact && i.path.startsWith(`${path}.`)))).map((i) => i.message);

  // The summary follows the latest save, so it shrinks as problems are fixed.
  const summary = isSummaryShown && state.step !== REVIEW ? issues.filter((i) => i.step === state.step) : [];
  const stepProps: StepProps = { state, options, update, errorsAt };
  const current = WIZARD_STEPS[state.step] ?? WIZARD_STEPS[0];

  return (
    <div className="grid gap-8 lg:grid-cols-[14rem_1fr]">
      <nav aria-label="Wizard steps">
        <ol className="space-y-1">
          {WIZARD_STEPS.map((s, i) => {
            const isCurrent = i === state.step;
            const reachable = i <= state.step || checkedSteps.has(i - 1);
            const hasIssues = issues.some((x) => x.step === i && checkedSteps.has(i));
            return (
              <li key={s.key}>
                <button
                  type="button"
                  disabled={!reachable || isCurrent}
                  aria-current={isCurrent ? "step" : undefined}
                  onClick={() => goTo(i)}
                  className={`flex w-full items-center gap-3 rounded-lg px-3 py-2 text-left text-sm ${isCurrent ? "bg-sky-100 font-semibold text-sky-900" : reachable ? "text-slate-700 hover:bg-slate-100" : "text-slate-500"}`}
                >
                  <span aria-hidden="true" className={`flex h-6 w-6 items-center justify-center rounded-full text-xs ${isCurrent ? "bg-sky-700 text-white" : hasIssues ? "bg-red-100 text-red-800" : "bg-slate-200 text-slate-700"}`}>
                    {i + 1}
                  </span>
                  <span>
                    {s.title}
                    {hasIssues ? <span className="sr-only"> (has problems)</span> : null}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
        <p role="status" aria-live="polite" data-testid="save-status" className="mt-4 px-3 text-xs text-slate-600">
          {saveStatus.kind === "pending" || saveStatus.kind === "saving" ? "Saving draft…" : saveStatus.kind === "saved" ? `Draft saved at ${saveStatus.at}` : saveStatus.kind === "error" ? saveStatus.message : initialRequestId ? "Draft saved on the server" : "Your draft is saved as you type"}
        </p>
      </nav>

      <form
        className="min-w-0 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm"
        noValidate
        action={state.step === REVIEW ? submit : goNext}
      >
        <FieldsetUntilHydrated>
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
          Step {state.step + 1} of {WIZARD_STEPS.length}
        </p>
        <h2 ref={headingRef} tabIndex={-1} className="mt-1 text-xl font-semibold text-slate-900 focus:outline-none">
          {current.title}
        </h2>

        {summary.length ? (
          <div ref={summaryRef} tabIndex={-1} role="alert" className="mt-4 rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-semibold">{`Fix ${summary.length === 1 ? "this problem" : `these ${summary.length} problems`} to continue:`}</p>
            <ul className="mt-2 list-disc space-y-1 pl-5">
              {summary.map((i) => (
                <li key={`${i.path}|${i.message}`}>
                  {i.step !== state.step ? (
                    <button type="button" className="underline" onClick={() => goTo(i.step)}>
                      {WIZARD_STEPS[i.step]?.title}
                    </button>
                  ) : null}
                  {i.step !== state.step ? " — " : null}
                  {describePath(i.path)}: {i.message}
                </li>
              ))}
            </ul>
          </div>
        ) : submitError ? (
          <p role="alert" className="mt-4 rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            {submitError}
          </p>
        ) : null}

        <div className="mt-6 space-y-6">
          {state.step === 0 ? <WorkspaceStep {...stepProps} /> : null}
          {state.step === 1 ? <FeedHostStep {...stepProps} /> : null}
          {state.step === 2 ? <UpstreamsStep {...stepProps} /> : null}
          <Suspense fallback={<StepSkeleton />}>
            {state.step === 3 ? <EnvironmentsStep {...stepProps} /> : null}
            {state.step === REVIEW ? <ReviewStep state={state} options={options} preview={preview} issues={issues} isLoading={saveStatus.kind === "saving" && !preview} onEdit={goTo} /> : null}
          </Suspense>
        </div>

        <div className="mt-8 flex items-center justify-between border-t border-slate-200 pt-6">
          <button
            type="button"
            disabled={state.step === 0}
            onClick={() => goTo(state.step - 1)}
            className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
          >
            Back
          </button>
          {state.step === REVIEW ? <SubmitButton isBlocked={!preview || issues.length > 0} /> : <NextButton isBusy={isAdvancing} />}
        </div>
        </FieldsetUntilHydrated>
      </form>
    </div>
  );
}

/**
 * Until React has hydrated the wizard, typing would be lost: its fields wait, disabled. Only this
 * component re-renders when hydration ends; its children are the parent's same elements, so the
 * wizard is not rendered a second time in the task that hydrated it.
 */
function FieldsetUntilHydrated({ children }: { children: ReactNode }) {
  const isHydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  return (
    <fieldset disabled={!isHydrated} aria-busy={!isHydrated} className="m-0 min-w-0 border-0 p-0">
      {children}
    </fieldset>
  );
}

function NextButton({ isBusy }: { isBusy: boolean }) {
  const { pending } = useFormStatus();
  const busy = pending || isBusy;
  return (
    <button type="submit" disabled={busy} aria-disabled={busy} className="rounded-lg bg-sky-700 px-5 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
      {busy ? "Checking…" : "Next"}
    </button>
  );
}

/** Disabled while the submit runs (useFormStatus), so a double click cannot send it twice. */
function SubmitButton({ isBlocked }: { isBlocked: boolean }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending || isBlocked} className="rounded-lg bg-emerald-700 px-5 py-2 text-sm font-semibold text-white hover:bg-emerald-800 disabled:opacity-60">
      {pending ? "Submitting…" : "Submit request"}
    </button>
  );
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function StepSkeleton() {
  return (
    <div aria-busy="true" className="h-48 animate-pulse rounded-xl bg-slate-200">
      <span className="sr-only">Loading this step…</span>
    </div>
  );
}
