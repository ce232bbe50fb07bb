"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * While a batch runs, re-renders its server page every few seconds (a refresh keeps the client
 * state and scroll position); stops once the server says it is done.
 */
export function BatchAutoRefresh({ isRunning, intervalMs = 3000 }: { isRunning: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!isRunning) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [isRunning, intervalMs, router]);
  return null;
}
