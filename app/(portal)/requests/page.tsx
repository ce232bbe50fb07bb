import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Requests" };

export default function RequestsPage() {
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
