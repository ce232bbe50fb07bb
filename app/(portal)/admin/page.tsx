import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Admin" };

export default function AdminPage() {
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, teams, settings and the audit trail." />
      <EmptyState
        title="Administration is on its way"
        points={["Feed hosts and their credential references", "Registered workspaces and networks", "Teams and members", "Audit trail with filters"]}
      >
        Admins will manage feed hosts, registered workspaces, teams and settings here, and browse the append-only audit trail of every decision and change.
      </EmptyState>
    </>
  );
}
