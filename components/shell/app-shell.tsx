import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "./logo";
import { NAV_ITEMS, type NavItem } from "./nav-items";
import { SidebarNav } from "./sidebar-nav";

/**
 * The signed-in frame: sidebar navigation, a top bar with the account slot, and the page.
 * `items` lets the caller hide entries a role cannot use; the server still checks every action.
 */
export function AppShell({ children, account, items = NAV_ITEMS, banner }: { children: ReactNode; account?: ReactNode; items?: NavItem[]; banner?: ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="hidden w-64 shrink-0 flex-col bg-slate-900 px-4 py-6 md:flex">
        <Link href="/" className="mb-8 px-2" aria-label="Feedgate home">
          <Logo />
        </Link>
        <SidebarNav items={items} />
        <p className="mt-auto px-2 text-xs leading-relaxed text-slate-400">
          Private pip and conda feeds for network-isolated Azure ML workspaces.
        </p>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-16 items-center justify-between border-b border-slate-200 bg-white px-6">
          <div className="md:hidden">
            <Link href="/" className="font-semibold">Feedgate</Link>
          </div>
          <div className="hidden text-sm text-slate-500 md:block">{banner}</div>
          <div className="flex items-center gap-3">{account}</div>
        </header>
        <nav aria-label="Main (compact)" className="flex gap-2 overflow-x-auto border-b border-slate-200 bg-white px-4 py-2 md:hidden">
          {items.map((i) => (
            <Link key={i.href} href={i.href} className="rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100">
              {i.label}
            </Link>
          ))}
        </nav>
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-6 py-8">
          {children}
        </main>
      </div>
    </div>
  );
}
