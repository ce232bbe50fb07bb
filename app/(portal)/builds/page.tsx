import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Builds" };

export default function BuildsPage() {
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
