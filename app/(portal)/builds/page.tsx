import type { Metadata } from "next";
import { AccessDenied } from "@/components/auth/access-denied";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "Builds" };

export default async function BuildsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "builds")) return <AccessDenied section="Builds" />;
  return (
    <>
      <PageHeader title="Builds" description="Environment image builds across every workspace." />
      <EmptyState
        title="No builds yet"
        points={["Running now and failure rate at a glance", "Live log tail with search and download", "Failure classes with next steps", "An API for automation"]}
      >
        The builds dashboard will list every environment image build, with filters by team, workspace, status and failure class, live logs and guidance when a build fails.
      </EmptyState>
    </>
  );
}
