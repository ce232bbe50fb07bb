"use client";

export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-6">
      <h2 className="text-lg font-semibold text-red-900">Something went wrong on our side</h2>
      <p className="mt-2 text-sm text-red-800">
        The page could not be loaded. Try again; if it keeps failing, give the platform team this reference:{" "}
        <code className="font-mono">{error.digest ?? "unavailable"}</code>
      </p>
      <button type="button" onClick={reset} className="mt-4 rounded-lg bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800">
        Try again
      </button>
    </div>
  );
}
