import type { Metadata } from "next";
import { AccessDenied } from "@/components/auth/access-denied";
import { UpstreamDecisionForm } from "@/components/approvals/upstream-decision-form";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listProposedUpstreams } from "@/lib/upstreams/list-proposed-upstreams";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "approvals")) return <AccessDenied section="Approvals" />;
  const proposed = await listProposedUpstreams(getDb(), user);
  return (
    <>
      <PageHeader title="Approvals" description="Upstream sources and feed requests awaiting a decision." />
      {proposed.length === 0 ? (
        <EmptyState
          title="Nothing awaits a decision"
          points={["Approve or decline with a reason", "Revoke an upstream and flag the feeds using it", "Optional two-person rule", "Every decision audited"]}
        >
          Approvers will see proposed upstream sources and feed requests here, with who asks and why, which teams would use them, and whether the URL answers.
        </EmptyState>
      ) : (
        <section aria-labelledby="proposed-upstreams" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 id="proposed-upstreams" className="text-base font-semibold">Proposed upstream sources</h2>
          <ul className="mt-4 divide-y divide-slate-100">
            {proposed.map((u) => (
              <li key={u.id} className="py-4">
                <p className="text-sm">
                  <span className="font-medium">{u.name}</span> <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs">{u.kind}</span>{" "}
                  <code className="text-xs text-slate-500">{u.url}</code>
                </p>
                {u.justification ? <p className="mt-1 text-sm text-slate-600">{u.justification}</p> : null}
                <UpstreamDecisionForm upstreamId={u.id} name={u.name} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
