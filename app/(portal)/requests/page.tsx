import type { Metadata } from "next";
import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { AccessDenied } from "@/components/auth/access-denied";
import { DiscardDraftButton } from "@/components/requests/discard-draft-button";
import { RequestStatusBadge } from "@/components/requests/request-status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listRequests } from "@/lib/requests/list-requests";

export const metadata: Metadata = { title: "Requests" };

export default async function RequestsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "requests")) return <AccessDenied section="Requests" />;
  const canCreate = user.roles.includes("Feedgate.Requester");
  const newButton = canCreate ? (
    <Link href="/requests/new" className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800">
      New request
    </Link>
  ) : undefined;
  return (
    <>
      <PageHeader title="Requests" description="Ask for a private feed and Azure ML environments for your workspace." actions={newButton} />
      <Suspense fallback={<Skeleton label="Loading requests…" className="h-64" />}>
        <RequestList user={user} newButton={newButton} />
      </Suspense>
    </>
  );
}

/** Streams in after the header, so the page is on screen before the list is read. */
async function RequestList({ user, newButton }: { user: ActingUser; newButton: ReactNode }) {
  const requests = await listRequests(getDb(), user);
  return (
    <>
      {requests.length === 0 ? (
        <EmptyState
          title="No requests yet"
          points={["Drafts saved as you type", "Live progress of every deployment step", "Cancel or retry from the failed step", "pip.conf, .condarc and a Dockerfile, generated for you"]}
          action={newButton}
        >
          Pick a workspace, a feed host and approved upstreams, describe your environments, and review exactly what will be created before you submit.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Requests of your teams, newest first</caption>
            <thead className="bg-slate-50 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="px-6 py-3">Request</th>
                <th scope="col" className="px-6 py-3">Team</th>
                <th scope="col" className="px-6 py-3">Status</th>
                <th scope="col" className="px-6 py-3">By</th>
                <th scope="col" className="px-6 py-3">Updated</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id} className="border-t border-slate-100 hover:bg-slate-50">
                  <td className="px-6 py-3">
                    <Link href={r.status === "DRAFT" ? `/requests/new?draft=${r.id}` : `/requests/${r.id}`} prefetch={false} className="font-medium text-sky-800 underline-offset-2 hover:underline">
                      {r.title}
                    </Link>
                    {r.statusReason ? <p className="mt-0.5 max-w-md truncate text-xs text-slate-600">{r.statusReason}</p> : null}
                  </td>
                  <td className="px-6 py-3 text-slate-700">{r.team.name}</td>
                  <td className="px-6 py-3">
                    <span className="flex items-center gap-3">
                      <RequestStatusBadge status={r.status} />
                      {r.status === "DRAFT" && r.isMine ? <DiscardDraftButton requestId={r.id} title={r.title} /> : null}
                    </span>
                  </td>
                  <td className="px-6 py-3 text-slate-700">{r.isMine ? "You" : r.submittedBy}</td>
                  <td className="px-6 py-3 text-slate-600">
                    <time dateTime={r.updatedAt.toISOString()}>{r.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
