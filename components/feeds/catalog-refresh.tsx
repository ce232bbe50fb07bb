"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While a policy change or repair is on its way to a feed host, re-reads the catalog every few seconds. */
export function CatalogRefresh({ isActive, everyMs = 2000 }: { isActive: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!isActive) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [isActive, everyMs, router]);
  return null;
}
