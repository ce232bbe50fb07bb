export interface NavItem {
  href: string;
  label: string;
  description: string;
  icon: "requests" | "feeds" | "approvals" | "builds" | "admin" | "overview";
}

export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", description: "Your feeds and builds at a glance", icon: "overview" },
  { href: "/requests", label: "Requests", description: "Ask for a feed and environments", icon: "requests" },
  { href: "/feeds", label: "Feeds", description: "Private feeds and ready-made client config", icon: "feeds" },
  { href: "/approvals", label: "Approvals", description: "Upstream sources and requests awaiting a decision", icon: "approvals" },
  { href: "/builds", label: "Builds", description: "Environment image builds across workspaces", icon: "builds" },
  { href: "/admin", label: "Admin", description: "Feed hosts, workspaces, teams and the audit trail", icon: "admin" },
];
