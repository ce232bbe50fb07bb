import type { Metadata } from "next";
import { AdminNav } from "@/components/admin/admin-nav";
import { FeedHostsAdmin } from "@/components/admin/feed-hosts-admin";
import { AccessDenied } from "@/components/auth/access-denied";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listFeedHostsForAdmin } from "@/lib/feed-hosts/admin-feed-hosts";
import { CREDENTIAL_REF_FORMS } from "@/lib/validation/credential-ref";

export const metadata: Metadata = { title: "Feed hosts · Admin" };

export default async function AdminFeedHostsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "admin")) return <AccessDenied section="Admin" />;
  const hosts = await listFeedHostsForAdmin(getDb(), user);
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, teams, settings and the audit trail." />
      <AdminNav />
      <FeedHostsAdmin hosts={hosts} credentialRefForms={CREDENTIAL_REF_FORMS} />
    </>
  );
}
