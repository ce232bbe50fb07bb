import type { Metadata } from "next";
import { AccessDenied } from "@/components/auth/access-denied";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "Requests" };

export default async function RequestsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "requests")) return <AccessDenied section="Requests" />;
  return (
    <>
      <PageHeader title="Requests" description="Ask for a private feed and Azure ML environments for your workspace." />
      <EmptyState
        title="No requests yet"
        points={["Drafts saved as you type", "Live progress of every deployment step", "Cancel or retry from the failed step", "pip.conf, .condarc and a Dockerfile, generated for you"]}
      >
        The request wizard will live here: pick a workspace, a feed host and approved upstreams, describe your environments, and review exactly what will be created before you submit.
      </EmptyState>
    </>
  );
}
