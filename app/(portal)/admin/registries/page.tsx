import type { Metadata } from "next";
import { AdminNav } from "@/components/admin/admin-nav";
import { RegistriesAdmin } from "@/components/admin/registries-admin";
import { AccessDenied } from "@/components/auth/access-denied";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { SANDBOX_SUBSCRIPTION_ID } from "@/lib/cloud/cloud";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { listRegistriesForAdmin } from "@/lib/registries/admin-registries";
import { listTeamsForAdmin } from "@/lib/teams/admin-teams";

export const metadata: Metadata = { title: "Registries · Admin" };

export default async function AdminRegistriesPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "admin")) return <AccessDenied section="Admin" />;
  const [registries, teams] = await Promise.all([listRegistriesForAdmin(getDb(), user), listTeamsForAdmin(getDb(), user)]);
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, registries, teams, settings and the audit trail." />
      <AdminNav />
      <RegistriesAdmin registries={registries} teams={teams.map((t) => ({ id: t.id, name: t.name }))} subscriptionId={env.AZURE_SUBSCRIPTION_ID ?? SANDBOX_SUBSCRIPTION_ID} />
    </>
  );
}
