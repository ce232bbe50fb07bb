import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { AccessDenied } from "@/components/auth/access-denied";
import { RequestTimeline } from "@/components/requests/request-timeline";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { getRequest } from "@/lib/requests/get-request";
import { getRequestTimeline, listRequestEvents } from "@/lib/requests/get-request-timeline";
import { requestIdSchema } from "@/lib/validation/request-id";

export const metadata: Metadata = { title: "Request" };

export default async function RequestDetailPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ submitted?: string }> }) {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "requests")) return <AccessDenied section="Requests" />;
  const id = requestIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const db = getDb();
  const request = await getRequest(db, user, id.data).catch((error: unknown) => {
    if (isAppError(error) && error.status === 404) return null;
    throw error;
  });
  if (!request) notFound();
  if (request.status === "DRAFT") redirect(`/requests/new?draft=${request.id}`);
  const [timeline, events] = await Promise.all([getRequestTimeline(db, user, request.id), listRequestEvents(db, user, request.id, 0)]);
  const justSubmitted = (await searchParams).submitted === "1";
  return (
    <>
      <PageHeader
        title={request.title}
        description={`${request.team.name} · requested by ${request.isMine ? "you" : request.submittedBy}${request.submittedAt ? ` on ${request.submittedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}`}
        actions={
          <Link href="/requests" className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
            All requests
          </Link>
        }
      />
      {justSubmitted ? (
        <p role="status" className="mb-6 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
          Request submitted. An approver has been asked to review it; you can follow it here.
        </p>
      ) : null}
      {request.feed ? (
        <p className="mb-6 text-sm text-slate-700">
          Feed:{" "}
          <Link href="/feeds" className="font-medium text-sky-800 underline">
            {request.feed.name}
          </Link>{" "}
          ({request.feed.status.toLowerCase()})
        </p>
      ) : null}
      <RequestTimeline initial={timeline} initialEvents={events} canAct={user.roles.includes("Feedgate.Requester") || user.roles.includes("Feedgate.Admin")} />
    </>
  );
}
