"use client";

import { useMsal } from "@azure/msal-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Name, roles and Sign out. Sign-out ends our session first, then the provider's (and MSAL's cache). */
export function AccountMenu({ name, email, roleLabels, redirectUri }: { name: string; email: string; roleLabels: string[]; redirectUri: string }) {
  const { instance, accounts } = useMsal();
  const router = useRouter();
  const [isSigningOut, setIsSigningOut] = useState(false);

  async function signOut() {
    setIsSigningOut(true);
    await fetch("/api/auth/signout", { method: "POST" }).catch(() => undefined);
    const account = instance.getActiveAccount() ?? accounts[0];
    if (!account) {
      router.replace("/signin");
      router.refresh();
      return;
    }
    await instance.logoutRedirect({ account, idTokenHint: account.idToken, postLogoutRedirectUri: redirectUri });
  }

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
        onClick={signOut}
        disabled={isSigningOut}
        className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-60"
      >
        {isSigningOut ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
