"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { MsalPublicConfig } from "@/lib/auth/msal-public-config";

/**
 * Name, roles, Sign out, and (behind "Sessions") Sign out everywhere. Sign-out ends our session
 * first (the server revokes it, so a copied cookie stops working too), then the provider's and
 * MSAL's cache. "Everywhere" ends every live session of this person before doing the same.
 * MSAL is loaded on the click, not with every page: nothing else on a signed-in page needs it.
 */
export function AccountMenu({ name, email, roleLabels, msal }: { name: string; email: string; roleLabels: string[]; msal: MsalPublicConfig }) {
  const router = useRouter();
  const [signingOut, setSigningOut] = useState<"here" | "everywhere" | null>(null);
  const [problem, setProblem] = useState("");

  async function signOut(scope: "here" | "everywhere") {
    setSigningOut(scope);
    setProblem("");
    const res = await fetch("/api/auth/signout", {
      method: "POST",
      ...(scope === "everywhere" ? { headers: { "content-type": "application/json" }, body: JSON.stringify({ everywhere: true }) } : {}),
    }).catch(() => null);
    // A 401 means this session had already ended; anything else failing must not look like success.
    if (scope === "everywhere" && (!res || (!res.ok && res.status !== 401))) {
      setSigningOut(null);
      setProblem("Your other sessions could not be ended. Try again in a moment.");
      return;
    }
    const instance = await import("./msal-client").then((m) => m.createMsal(msal)).catch(() => null);
    // Settles any interaction a back-navigation left open, which would refuse the logout redirect.
    await instance?.handleRedirectPromise().catch(() => null);
    const account = instance ? (instance.getActiveAccount() ?? instance.getAllAccounts()[0]) : undefined;
    if (!instance || !account) {
      router.replace("/signin");
      router.refresh();
      return;
    }
    await instance.logoutRedirect({ account, idTokenHint: account.idToken, postLogoutRedirectUri: msal.redirectUri });
  }

  const isBusy = signingOut !== null;
  return (
    <div aria-label="Account" role="group" className="flex items-center gap-3">
      <div className="text-right leading-tight">
        <p className="text-sm font-medium text-slate-900" data-testid="account-name">{name}</p>
        <p className="text-xs text-slate-500">
          <span className="sr-only">{email}, roles: </span>
          <span data-testid="account-roles">{roleLabels.join(" · ")}</span>
        </p>
      </div>
      <button
        type="button"
        onClick={() => signOut("here")}
        disabled={isBusy}
        className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-60"
      >
        {signingOut === "here" ? "Signing out…" : "Sign out"}
      </button>
      <details className="relative">
        <summary className="cursor-pointer list-none rounded-lg px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600">
          Sessions <span aria-hidden="true">▾</span>
        </summary>
        <div className="absolute right-0 z-20 mt-2 w-72 rounded-lg border border-slate-200 bg-white p-3 text-left shadow-lg">
          <p className="text-xs text-slate-600">Ends your Feedgate sessions in every browser and device, including any copy of this one.</p>
          <button
            type="button"
            onClick={() => signOut("everywhere")}
            disabled={isBusy}
            className="mt-2 w-full rounded-lg border border-rose-300 px-3 py-1.5 text-sm font-medium text-rose-800 hover:bg-rose-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-60"
          >
            {signingOut === "everywhere" ? "Signing out everywhere…" : "Sign out everywhere"}
          </button>
          <p role="status" aria-live="polite" className="mt-2 text-xs text-rose-800">{problem}</p>
        </div>
      </details>
    </div>
  );
}
