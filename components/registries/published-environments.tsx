import { CopyButton } from "@/components/ui/copy-button";
import { formatUtc } from "@/lib/builds/format-build";
import type { PublishedEnvironment } from "@/lib/registries/publications";

/** The catalog's list of environments published to Azure ML registries, each with its `azureml://` URI to copy. */
export function PublishedEnvironments({ items }: { items: PublishedEnvironment[] }) {
  return (
    <section aria-labelledby="published-h" className="mt-8">
      <h2 id="published-h" className="mb-2 text-lg font-semibold text-slate-900">Published environments</h2>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">None yet. Publish a built environment to one of your team&apos;s Azure ML registries from its build page, and reuse it in any workspace by its registry URI.</p>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Environments published to Azure ML registries, newest first</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">Environment</th>
                <th scope="col" className="px-4 py-2">Team</th>
                <th scope="col" className="px-4 py-2">Registry</th>
                <th scope="col" className="px-4 py-2">Registry URI</th>
                <th scope="col" className="px-4 py-2">Published</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((p) => (
                <tr key={p.id}>
                  <td className="px-4 py-2 font-medium text-slate-900">{p.environmentName}:{p.environmentVersion}</td>
                  <td className="px-4 py-2 text-slate-700">{p.teamName}</td>
                  <td className="px-4 py-2 text-slate-700">{p.registryName}</td>
                  <td className="px-4 py-2">
                    <span className="flex flex-wrap items-center gap-2">
                      <code className="break-all rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{p.assetUri}</code>
                      <CopyButton value={p.assetUri} label={`Copy the registry URI of ${p.environmentName}:${p.environmentVersion} in ${p.registryName}`} />
                    </span>
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap text-slate-700">{p.publishedAt ? <time dateTime={p.publishedAt}>{formatUtc(new Date(p.publishedAt))}</time> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
