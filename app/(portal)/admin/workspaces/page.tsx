import type { Metadata } from "next";
import { AdminNav } from "@/components/admin/admin-nav";
import { WorkspacesAdmin } from "@/components/admin/workspaces-admin";
import { AccessDenied } from "@/components/auth/access-denied";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { SANDBOX_SUBSCRIPTION_ID } from "@/lib/cloud/cloud";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { listTeamsForAdmin } from "@/lib/teams/admin-teams";
import { listRegisteredWorkspaces } from "@/lib/workspaces/admin-workspaces";

export const metadata: Metadata = { title: "Workspaces · Admin" };

export default async function AdminWorkspacesPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "admin")) return <AccessDenied section="Admin" />;
  const [workspaces, teams] = await Promise.all([listRegisteredWorkspaces(getDb(), user), listTeamsForAdmin(getDb(), user)]);
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, teams, settings and the audit trail." />
      <AdminNav />
      <WorkspacesAdmin workspaces={workspaces} teams={teams.map((t) => ({ id: t.id, name: t.name }))} subscriptionId={env.AZURE_SUBSCRIPTION_ID ?? SANDBOX_SUBSCRIPTION_ID} />
    </>
  );
}
