import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { AccessDenied } from "@/components/auth/access-denied";
import { RequestWizard } from "@/components/requests/request-wizard";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { getRequest } from "@/lib/requests/get-request";
import { getWizardOptions } from "@/lib/requests/get-wizard-options";
import { requestIdSchema } from "@/lib/validation/request-id";
import { emptyWizardState, wizardStateSchema, type WizardState } from "@/lib/validation/request-wizard";

export const metadata: Metadata = { title: "New request" };

/** A new request starts from its team's default region and the next free range of its pool. */
function withTeamDefaults(state: WizardState, team: { defaultRegion: string | null; suggestedAddressSpace: string | null } | undefined): WizardState {
  if (!team) return state;
  return { ...state, workspace: { ...state.workspace, region: team.defaultRegion ?? state.workspace.region, addressSpace: team.suggestedAddressSpace ?? state.workspace.addressSpace } };
}

/**
 * The wizard; `?draft=<id>` resumes the author's saved draft where they left it. The header is
 * sent at once and the wizard streams in behind a skeleton once its options are read, so the
 * page's largest text paints with the first bytes and the wizard hydrates in a task of its own.
 */
export default async function NewRequestPage({ searchParams }: { searchParams: Promise<{ draft?: string }> }) {
  const user = await requirePageUser();
  if (!user.roles.includes("Feedgate.Requester")) return <AccessDenied section="The request wizard" />;
  const draftId = requestIdSchema.safeParse((await searchParams).draft);

  return (
    <>
      <PageHeader
        title={draftId.success ? "Continue your request" : "New request"}
        description="A private feed for your workspace, and environments that install only from it. Everything you type is saved as a draft on the server."
        actions={
          <Link href="/requests" className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
            All requests
          </Link>
        }
      />
      <Suspense fallback={<Skeleton label="Loading the wizard…" className="h-[36rem]" />}>
        <Wizard user={user} draftId={draftId.success ? draftId.data : null} />
      </Suspense>
    </>
  );
}

async function Wizard({ user, draftId }: { user: ActingUser; draftId: string | null }) {
  const db = getDb();
  const options = await getWizardOptions(db, user);
  let state: WizardState = withTeamDefaults(emptyWizardState(options.teams[0]?.id ?? ""), options.teams[0]);
  let requestId: string | null = null;
  if (draftId) {
    const draft = await getRequest(db, user, draftId).catch((error: unknown) => {
      if (isAppError(error) && error.status === 404) return null;
      throw error;
    });
    if (draft && (draft.status !== "DRAFT" || !draft.isMine)) redirect(`/requests/${draft.id}`);
    const parsed = draft ? wizardStateSchema.safeParse(draft.payload) : null;
    if (draft && parsed?.success) {
      state = parsed.data;
      requestId = draft.id;
    }
  }
  if (options.teams.length === 0) {
    return <p className="rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">You are not a member of any team yet. Ask a Feedgate administrator to add you to one.</p>;
  }
  return (
    <>
      {draftId && !requestId ? (
        <p role="status" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          That draft is no longer there (it was submitted or discarded), so this is a new request.
        </p>
      ) : null}
      <RequestWizard key={requestId ?? "new"} options={options} initialState={state} initialRequestId={requestId} />
    </>
  );
}
