import type { Metadata } from "next";
import { Suspense } from "react";
import { AccessDenied } from "@/components/auth/access-denied";
import { AllowListForm } from "@/components/approvals/allow-list-form";
import { DecisionStatus } from "@/components/approvals/decision-status";
import { RequestDecisionForm } from "@/components/approvals/request-decision-form";
import { RequestEnvironments } from "@/components/approvals/request-environments";
import { RevokeUpstreamForm } from "@/components/approvals/revoke-upstream-form";
import { UpstreamDecisionForm } from "@/components/approvals/upstream-decision-form";
import { ReachabilityPending, UpstreamReachability } from "@/components/approvals/upstream-reachability";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listApprovalQueue } from "@/lib/approvals/list-approval-queue";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listUpstreamAllowLists } from "@/lib/policy/list-upstream-allow-lists";

export const metadata: Metadata = { title: "Approvals" };

const card = "rounded-xl border border-slate-200 bg-white p-6 shadow-sm";
const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default async function ApprovalsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "approvals")) return <AccessDenied section="Approvals" />;
  const [queue, allowLists] = await Promise.all([listApprovalQueue(getDb(), user), listUpstreamAllowLists(getDb(), user)]);
  const isEmpty = queue.upstreams.length === 0 && queue.requests.length === 0;
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Upstream sources and feed requests awaiting a decision, and the approved sources whose allow-lists you can edit or that you can revoke."
        actions={
          <span className="rounded-full bg-slate-100 px-3 py-1 text-xs font-medium text-slate-700" data-testid="two-person-rule">
            Two-person rule: {queue.isTwoPersonRule ? "on" : "off"}
          </span>
        }
      />
      <DecisionStatus />
      {isEmpty ? (
        <EmptyState title="Nothing awaits a decision" points={["Approve or decline with a reason", "Revoke an upstream and flag the feeds using it", "Optional two-person rule", "Every decision audited"]}>
          Proposed upstream sources and submitted feed requests appear here, with who asks and why, which teams would use them, and whether the URL answers.
        </EmptyState>
      ) : null}

      {queue.upstreams.length ? (
        <section aria-labelledby="proposed-upstreams" className={`${card} mb-6`}>
          <h2 id="proposed-upstreams" className="text-base font-semibold">Proposed upstream sources <span className="text-slate-600">({queue.upstreams.length})</span></h2>
          <ul className="mt-4 divide-y divide-slate-100">
            {queue.upstreams.map((u) => (
              <li key={u.id} className="py-4" aria-label={`Proposed upstream ${u.name}`}>
                <h3 className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-semibold">{u.name}</span>
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs">{u.kind}</span>
                  <code className="break-all text-xs text-slate-700">{u.url}</code>
                </h3>
                <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
                  <dt className="text-slate-600">Proposed by</dt>
                  <dd>{u.proposedBy}, {dateFormat.format(u.proposedAt)} UTC</dd>
                  <dt className="text-slate-600">Why</dt>
                  <dd>{u.justification ?? <span className="text-slate-600">No justification given</span>}</dd>
                  <dt className="text-slate-600">Teams that need it</dt>
                  <dd>{u.teams.length ? `${u.teams.join(", ")} (${u.requests.length} request${u.requests.length === 1 ? "" : "s"})` : "No open request uses it yet"}</dd>
                  {u.allowList?.length ? (
                    <>
                      <dt className="text-slate-600">Allow-list</dt>
                      <dd className="font-mono text-xs">{u.allowList.join(", ")}</dd>
                    </>
                  ) : null}
                  <dt className="text-slate-600">Reachability</dt>
                  <dd aria-live="polite">
                    <Suspense fallback={<ReachabilityPending />}>
                      <UpstreamReachability url={u.url} />
                    </Suspense>
                  </dd>
                  {u.approvalsNeeded > 1 ? (
                    <>
                      <dt className="text-slate-600">Approvals</dt>
                      <dd>{u.approvedBy.length} of {u.approvalsNeeded}{u.approvedBy.length ? ` (${u.approvedBy.join(", ")})` : ""}</dd>
                    </>
                  ) : null}
                </dl>
                <UpstreamDecisionForm upstreamId={u.id} name={u.name} approveBlockedReason={u.approveBlockedReason} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {queue.requests.length ? (
        <section aria-labelledby="pending-requests" className={`${card} mb-6`}>
          <h2 id="pending-requests" className="text-base font-semibold">Feed requests <span className="text-slate-600">({queue.requests.length})</span></h2>
          <ul className="mt-4 divide-y divide-slate-100">
            {queue.requests.map((r) => (
              <li key={r.id} className="py-4" aria-label={`Request ${r.title}`}>
                <h3 className="text-sm font-semibold">{r.title}</h3>
                <p className="text-sm text-slate-700">
                  {r.team} · submitted by {r.submittedBy}{r.submittedAt ? `, ${dateFormat.format(r.submittedAt)} UTC` : ""}
                </p>
                {r.statusReason ? <p className="mt-1 text-sm text-amber-800">{r.statusReason}</p> : null}
                {r.summary ? (
                  <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
                    <dt className="text-slate-600">Workspace</dt>
                    <dd>{r.summary.workspace}</dd>
                    <dt className="text-slate-600">Feed host</dt>
                    <dd>{r.summary.feedHost}</dd>
                    <dt className="text-slate-600">Upstreams</dt>
                    <dd>{r.summary.upstreams.join(", ")}</dd>
                    <dt className="text-slate-600">Environments</dt>
                    <dd>
                      <RequestEnvironments requestTitle={r.title} environments={r.summary.environments} />
                    </dd>
                  </dl>
                ) : (
                  <p className="mt-1 text-sm text-red-800">The stored request no longer passes validation; decline it and ask for a new one.</p>
                )}
                <RequestDecisionForm requestId={r.id} title={r.title} isOwn={r.isOwn} blockedReason={r.decideBlockedReason} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="approved-upstreams" className={card}>
        <h2 id="approved-upstreams" className="text-base font-semibold">Approved upstream sources</h2>
        <p className="mt-1 text-sm text-slate-600">An allow-list change reaches every live Nexus feed that proxies the source through a job. Revoking a source flags every feed that proxies it and switches those proxy repositories offline.</p>
        {queue.approvedUpstreams.length ? (
          <ul className="mt-4 divide-y divide-slate-100">
            {queue.approvedUpstreams.map((u) => (
              <li key={u.id} className="py-3" aria-label={`Approved upstream ${u.name}`}>
                <p className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-semibold">{u.name}</span>
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs">{u.kind}</span>
                  <code className="break-all text-xs text-slate-700">{u.url}</code>
                </p>
                <p className="mt-1 text-xs text-slate-600">
                  {u.feeds.length ? `Used by ${u.feeds.map((f) => `${f.name} (${f.team})`).join(", ")}` : "No feed uses it yet"}
                </p>
                <p className="mt-1 text-xs text-slate-600" data-testid="allow-list">
                  Allow-list: {allowListText(allowLists.get(u.id) ?? null)}
                </p>
                <AllowListForm upstreamId={u.id} name={u.name} allowList={allowLists.get(u.id) ?? null} />
                <RevokeUpstreamForm upstreamId={u.id} name={u.name} feedCount={u.feeds.length} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-4 text-sm text-slate-600">No approved sources yet.</p>
        )}
      </section>
    </>
  );
}

function allowListText(allowList: string[] | null): string {
  return allowList ? `only ${allowList.join(", ") || "nothing"}` : "all packages";
}
