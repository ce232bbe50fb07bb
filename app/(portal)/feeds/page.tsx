import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Feeds" };

export default function FeedsPage() {
  return (
    <>
      <PageHeader title="Feeds" description="Private feeds your team can install from, with client configuration that works on the first try." />
      <EmptyState
        title="No feeds yet"
        points={["Copy-ready pip and conda URLs", "Health from the last preflight check", "Setup script for compute instances", "How to verify with pip config list"]}
      >
        Each feed will show its pip index and conda channel URLs, its health, and one-click downloads of pip.conf, .condarc, a compute-instance setup script and a Dockerfile snippet.
      </EmptyState>
    </>
  );
}
