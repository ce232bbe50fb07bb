import type { Metadata } from "next";
import { Suspense } from "react";
import { AccessDenied } from "@/components/auth/access-denied";
import { CatalogRefresh } from "@/components/feeds/catalog-refresh";
import { FeedCard } from "@/components/feeds/feed-card";
import { PublishedEnvironments } from "@/components/registries/published-environments";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { isAdmin } from "@/lib/auth/require-role";
import { canUseSection, hasAnyRole } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listFeedCatalog } from "@/lib/feeds/list-feed-catalog";
import { listPublishedEnvironments } from "@/lib/registries/publications";

export const metadata: Metadata = { title: "Feeds" };

export default async function FeedsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "feeds")) return <AccessDenied section="Feeds" />;
  return (
    <>
      <PageHeader title="Feeds" description="Private feeds your team can install from, with client configuration that works on the first try." />
      <Suspense fallback={<Skeleton label="Loading feeds…" className="h-96" />}>
        <FeedCatalog user={user} />
      </Suspense>
    </>
  );
}

/** Streams in after the header, so the page is on screen before the catalog is read. */
async function FeedCatalog({ user }: { user: ActingUser }) {
  const [feeds, published] = await Promise.all([listFeedCatalog(getDb(), user), listPublishedEnvironments(getDb(), user)]);
  return (
    <>
      {feeds.length === 0 ? (
        <EmptyState
          title="No feeds yet"
          points={["Copy-ready pip and conda URLs", "Health from the last preflight check", "Setup script for compute instances", "How to verify with pip config list"]}
        >
          Each feed will show its pip index and conda channel URLs, its health, and one-click downloads of pip.conf, .condarc, a compute-instance setup script and a Dockerfile snippet.
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <CatalogRefresh isActive={feeds.some((f) => f.policy.isSyncing)} />
          {feeds.map((f) => (
            <FeedCard key={f.id} feed={f} canRepair={isAdmin(user)} canReorder={hasAnyRole(user.roles, ["Feedgate.Approver", "Feedgate.Admin"])} />
          ))}
        </div>
      )}
      <PublishedEnvironments items={published} />
    </>
  );
}
