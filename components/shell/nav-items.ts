import type { Section } from "@/lib/auth/roles";

export interface NavItem {
  /** Which roles see this entry (lib/auth/roles.ts); the page and its data check again. */
  section: Section;
  href: string;
  label: string;
  description: string;
  icon: Section;
}

export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", description: "Your feeds and builds at a glance", icon: "overview", section: "overview" },
  { href: "/requests", label: "Requests", description: "Ask for a feed and environments", icon: "requests", section: "requests" },
  { href: "/feeds", label: "Feeds", description: "Private feeds and ready-made client config", icon: "feeds", section: "feeds" },
  { href: "/approvals", label: "Approvals", description: "Upstream sources and requests awaiting a decision", icon: "approvals", section: "approvals" },
  { href: "/builds", label: "Builds", description: "Environment image builds across workspaces", icon: "builds", section: "builds" },
  { href: "/admin", label: "Admin", description: "Feed hosts, workspaces, teams and the audit trail", icon: "admin", section: "admin" },
];
