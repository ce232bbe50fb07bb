import type { Metadata } from "next";
import { AccessDenied } from "@/components/auth/access-denied";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listFeeds } from "@/lib/feeds/list-feeds";

export const metadata: Metadata = { title: "Feeds" };

export default async function FeedsPage() {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "feeds")) return <AccessDenied section="Feeds" />;
  const feeds = await listFeeds(getDb(), user);
  return (
    <>
      <PageHeader title="Feeds" description="Private feeds your team can install from, with client configuration that works on the first try." />
      {feeds.length === 0 ? (
        <EmptyState
          title="No feeds yet"
          points={["Copy-ready pip and conda URLs", "Health from the last preflight check", "Setup script for compute instances", "How to verify with pip config list"]}
        >
          Each feed will show its pip index and conda channel URLs, its health, and one-click downloads of pip.conf, .condarc, a compute-instance setup script and a Dockerfile snippet.
        </EmptyState>
      ) : (
        <ul aria-label="Feeds" className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
          {feeds.map((f) => (
            <li key={f.id} className="flex flex-wrap items-center justify-between gap-2 px-6 py-4 text-sm">
              <span>
                <span className="font-medium">{f.name}</span> <span className="text-slate-500">· {f.team.name}</span>
              </span>
              <span className="flex items-center gap-3">
                {f.pipIndexUrl ? <code className="text-xs text-slate-500">{f.pipIndexUrl}</code> : null}
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">{f.status}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
