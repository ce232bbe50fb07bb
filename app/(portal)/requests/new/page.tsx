import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AccessDenied } from "@/components/auth/access-denied";
import { RequestWizard } from "@/components/requests/request-wizard";
import { PageHeader } from "@/components/ui/page-header";
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

/** The wizard; `?draft=<id>` resumes the author's saved draft where they left it. */
export default async function NewRequestPage({ searchParams }: { searchParams: Promise<{ draft?: string }> }) {
  const user = await requirePageUser();
  if (!user.roles.includes("Feedgate.Requester")) return <AccessDenied section="The request wizard" />;
  const db = getDb();
  const options = await getWizardOptions(db, user);
  const draftId = requestIdSchema.safeParse((await searchParams).draft);

  let state: WizardState = withTeamDefaults(emptyWizardState(options.teams[0]?.id ?? ""), options.teams[0]);
  let requestId: string | null = null;
  if (draftId.success) {
    const draft = await getRequest(db, user, draftId.data).catch((error: unknown) => {
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

  return (
    <>
      <PageHeader
        title={requestId ? "Continue your request" : "New request"}
        description="A private feed for your workspace, and environments that install only from it. Everything you type is saved as a draft on the server."
        actions={
          <Link href="/requests" className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
            All requests
          </Link>
        }
      />
      {options.teams.length === 0 ? (
        <p className="rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">You are not a member of any team yet. Ask a Feedgate administrator to add you to one.</p>
      ) : (
        <RequestWizard key={requestId ?? "new"} options={options} initialState={state} initialRequestId={requestId} />
      )}
    </>
  );
}
