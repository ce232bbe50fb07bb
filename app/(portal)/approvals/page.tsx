import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Approvals" };

export default function ApprovalsPage() {
  return (
    <>
      <PageHeader title="Approvals" description="Upstream sources and feed requests awaiting a decision." />
      <EmptyState
        title="Nothing awaits a decision"
        points={["Approve or decline with a reason", "Revoke an upstream and flag the feeds using it", "Optional two-person rule", "Every decision audited"]}
      >
        Approvers will see proposed upstream sources and feed requests here, with who asks and why, which teams would use them, and whether the URL answers.
      </EmptyState>
    </>
  );
}
