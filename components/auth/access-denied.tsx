/** Shown when a signed-in person opens a page their role cannot use (the server refuses the data anyway). */
export function AccessDenied({ section }: { section: string }) {
  return (
    <section aria-label="Access denied" className="rounded-2xl border border-amber-200 bg-amber-50 px-8 py-10">
      <h1 className="text-xl font-semibold text-amber-900">{section} is not available for your role</h1>
      <p className="mt-2 text-sm text-amber-900">
        If you need it, ask a Feedgate administrator to assign you the right role in Entra ID.
      </p>
    </section>
  );
}
