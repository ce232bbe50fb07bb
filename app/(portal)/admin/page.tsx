import type { Metadata } from "next";
import Link from "next/link";
import { AdminNav } from "@/components/admin/admin-nav";
import { AccessDenied } from "@/components/auth/access-denied";
import { AuditTrail } from "@/components/admin/audit-trail";
import { PackageBlocksPanel } from "@/components/admin/package-blocks";
import { UserSessions } from "@/components/admin/user-sessions";
import { TwoPersonRuleToggle } from "@/components/approvals/two-person-rule-toggle";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listUserSessions } from "@/lib/sessions/list-user-sessions";
import { getTwoPersonRule } from "@/lib/settings/two-person-rule";
import { parseAuditFilter } from "@/lib/audit/audit-filter";

export const metadata: Metadata = { title: "Admin" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "admin")) return <AccessDenied section="Admin" />;
  const params = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const { filter, issues } = parseAuditFilter(params);
  const [page, isTwoPersonRule, sessions] = await Promise.all([listAuditEvents(getDb(), user, filter), getTwoPersonRule(getDb()), listUserSessions(getDb(), user)]);
  const olderHref = page.nextBefore ? `/admin?${new URLSearchParams({ ...definedEntries({ ...filter, before: undefined }), before: String(page.nextBefore) })}` : undefined;
  return (
    <>
      <PageHeader title="Admin" description="Feed hosts, workspaces, registries, teams, stale environments, settings and the audit trail." />
      <AdminNav />
      <section aria-labelledby="settings-heading" className="mb-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="settings-heading" className="mb-4 text-base font-semibold">Settings</h2>
        <TwoPersonRuleToggle enabled={isTwoPersonRule} />
      </section>
      <UserSessions rows={sessions.map((s) => ({ ...s, lastSeenAt: s.lastSeenAt?.toISOString() ?? null }))} />
      {issues.length ? (
        <p role="alert" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          Ignored in this link: {issues.join("; ")}.
        </p>
      ) : null}
      <AuditTrail
        events={page.events}
        filter={filter}
        pager={
          <div className="flex gap-4 text-sm">
            {filter.before ? <Link href={`/admin?${new URLSearchParams(definedEntries({ ...filter, before: undefined }))}`} className="text-sky-700 hover:underline">Newest events</Link> : null}
            {olderHref ? <Link href={olderHref} className="text-sky-700 hover:underline">Older events →</Link> : null}
          </div>
        }
      />
      <PackageBlocksPanel user={user} />
    </>
  );
}

function definedEntries(o: Record<string, string | number | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [k, String(v)]));
}
