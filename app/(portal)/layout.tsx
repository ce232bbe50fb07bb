import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { Suspense, type ReactNode } from "react";
import { AccountMenu } from "@/components/auth/account-menu";
import { NotificationBell, NotificationBellPlaceholder } from "@/components/notifications/notification-bell";
import { AppShell } from "@/components/shell/app-shell";
import { TeamlessNotice } from "@/components/shell/teamless-notice";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import type { ActingUser } from "@/lib/auth/acting-user";
import { getMsalPublicConfig } from "@/lib/auth/msal-public-config";
import { getCurrentUser } from "@/lib/auth/require-user";
import { safeReturnTo } from "@/lib/auth/return-to";
import { canUseSection, ROLE_LABELS } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { countNotifications } from "@/lib/notifications/list-notifications";
import { getTeamlessGuidance } from "@/lib/teams/teamless-guidance";

export const dynamic = "force-dynamic";

/**
 * The signed-in shell. Redirecting to /signin and hiding nav entries are conveniences only:
 * every page, action and route handler checks the user and role again where the data is read.
 * Only the session is awaited here: the bell's count and the teamless notice stream in their
 * own Suspense boundaries, so the shell and the page's skeleton (loading.tsx) arrive first.
 */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  if (!user) {
    const path = safeReturnTo((await headers()).get("x-feedgate-path"));
    redirect(path === "/" ? "/signin" : `/signin?returnTo=${encodeURIComponent(path)}`);
  }
  const msal = await getMsalPublicConfig();
  const items = NAV_ITEMS.filter((i) => canUseSection(user.roles, i.section));
  return (
    <AppShell
      items={items}
      account={
        <>
          <Suspense fallback={<NotificationBellPlaceholder />}>
            <StreamedNotificationBell user={user} />
          </Suspense>
          <AccountMenu name={user.name} email={user.email} roleLabels={user.roles.map((r) => ROLE_LABELS[r])} msal={msal} />
        </>
      }
    >
      <Suspense fallback={null}>
        <StreamedTeamlessNotice user={user} />
      </Suspense>
      {children}
    </AppShell>
  );
}

async function StreamedNotificationBell({ user }: { user: ActingUser }) {
  return <NotificationBell initialCount={await countNotifications(getDb(), user)} />;
}

async function StreamedTeamlessNotice({ user }: { user: ActingUser }) {
  const teamless = await getTeamlessGuidance(getDb(), user);
  return teamless ? <TeamlessNotice guidance={teamless} /> : null;
}
