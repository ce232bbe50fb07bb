import type { Metadata } from "next";
import { AdminNav } from "@/components/admin/admin-nav";
import { TeamsAdmin } from "@/components/admin/teams-admin";
import { AccessDenied } from "@/components/auth/access-denied";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listApproverCandidates, listTeamsForAdmin } from "@/lib/teams/admin-teams";
import { AZURE_REGIONS } from "@/lib/validation/regions";

export const metadata: Metadata = { title: "Teams · Admin" };

export default async function AdminTeamsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "admin")) return <AccessDenied section="Admin" />;
  const [teams, approverCandidates] = await Promise.all([listTeamsForAdmin(getDb(), user), listApproverCandidates(getDb(), user)]);
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, teams, settings and the audit trail." />
      <AdminNav />
      <TeamsAdmin teams={teams} regions={[...AZURE_REGIONS]} approverCandidates={approverCandidates} />
    </>
  );
}
