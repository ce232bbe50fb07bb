import type { NavItem } from "./nav-items";

const PATHS: Record<NavItem["icon"], string> = {
  overview: "M3 12l9-8 9 8M5 10v10h5v-6h4v6h5V10",
  requests: "M9 5h10M9 12h10M9 19h10M4 5h.01M4 12h.01M4 19h.01",
  feeds: "M4 7l8-4 8 4-8 4-8-4zm0 5l8 4 8-4M4 17l8 4 8-4",
  approvals: "M9 12l2 2 4-4m5 2a8 8 0 11-16 0 8 8 0 0116 0z",
  builds: "M4 19h16M7 16V9m5 7V5m5 11v-4",
  admin: "M12 8a4 4 0 100 8 4 4 0 000-8zm8 4l2-1-2-4-2 1-2-1.5V4h-4v2.5L10 8 8 7 6 11l2 1v2l-2 1 2 4 2-1 2 1.5V20h4v-2.5l2-1.5 2 1 2-4-2-1v-2z",
};

export function NavIcon({ icon, className }: { icon: NavItem["icon"]; className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" className={className}>
      <path d={PATHS[icon]} />
    </svg>
  );
}
