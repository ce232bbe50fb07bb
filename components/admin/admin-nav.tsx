"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/admin", label: "Settings and audit" },
  { href: "/admin/teams", label: "Teams" },
  { href: "/admin/workspaces", label: "Workspaces" },
  { href: "/admin/registries", label: "Registries" },
  { href: "/admin/feed-hosts", label: "Feed hosts" },
  { href: "/admin/staleness", label: "Stale environments" },
] as const;

/** The Admin area's own navigation: one tab per page, the current one marked. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin sections" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
      {SECTIONS.map((s) => {
        const current = pathname === s.href || (s.href !== "/admin" && pathname.startsWith(`${s.href}/`));
        return (
          <Link
            key={s.href}
            href={s.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px rounded-t-lg border-b-2 px-3 py-2 text-sm font-medium ${current ? "border-sky-700 text-sky-800" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"}`}
          >
            {s.label}
          </Link>
        );
      })}
    </nav>
  );
}
