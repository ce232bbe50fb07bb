import { PackageBlockForm, UnblockPackageButton } from "@/components/admin/package-blocks-form";
import type { ActingUser } from "@/lib/auth/acting-user";
import { getDb } from "@/lib/db/client";
import { listPackageBlocks, type PackageBlockView } from "@/lib/policy/package-blocks";

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** The Admin page's panel: loads the block-list itself, so the page only places it. */
export async function PackageBlocksPanel({ user }: { user: ActingUser }) {
  return <PackageBlocks blocks={await listPackageBlocks(getDb(), user)} />;
}

/**
 * The organisation-wide block-list: names no feed may serve (known-malicious or typosquatted).
 * Nexus feeds enforce it with routing rules; Azure Artifacts feeds cannot, and the catalog says so.
 */
export function PackageBlocks({ blocks }: { blocks: PackageBlockView[] }) {
  return (
    <section aria-labelledby="package-blocks-heading" className="mt-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="package-blocks-heading" className="text-base font-semibold">Blocked packages</h2>
      <p className="mt-1 text-sm text-slate-600">
        Applied to every feed on Nexus (routing rules on each proxy) within seconds. Azure Artifacts has no routing rules and does not enforce this list.
      </p>
      {blocks.length ? (
        <table className="mt-3 w-full text-left text-sm">
          <thead>
            <tr className="text-xs text-slate-600">
              <th scope="col" className="py-1 pr-4 font-medium">Package</th>
              <th scope="col" className="py-1 pr-4 font-medium">Reason</th>
              <th scope="col" className="py-1 pr-4 font-medium">Since</th>
              <th scope="col" className="py-1 font-medium"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {blocks.map((b) => (
              <tr key={b.name} className="border-t border-slate-100">
                <td className="py-1.5 pr-4"><code>{b.name}</code></td>
                <td className="py-1.5 pr-4">{b.reason}</td>
                <td className="py-1.5 pr-4 text-slate-600">{dateFormat.format(b.createdAt)}</td>
                <td className="py-1.5"><UnblockPackageButton name={b.name} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mt-3 text-sm text-slate-600">No package is blocked.</p>
      )}
      <PackageBlockForm />
    </section>
  );
}
