"use client";

import type { AuthenticationResult, PublicClientApplication } from "@azure/msal-browser";
import { useCallback, useEffect, useRef, useState } from "react";
import type { MsalPublicConfig } from "@/lib/auth/msal-public-config";
import { safeReturnTo } from "@/lib/auth/return-to";

type Status = { kind: "idle" } | { kind: "working"; text: string } | { kind: "error"; text: string };

/** Where the groups step returns to: the redirect to the identity provider forgets the page's own URL. */
const GROUPS_STEP_RETURN = "feedgate.groups-step.return-to";

const isGraphToken = (result: AuthenticationResult) => result.scopes.some((s) => /(^|\/)GroupMember\.Read\.All$/i.test(s));

/**
 * Starts MSAL's redirect sign-in with a server-minted nonce, and when MSAL comes back with an
 * id_token, posts it once to /api/auth/session, which verifies it and sets the session cookie.
 * MSAL (about 80 KB) is loaded only when it has work: on "Sign in" (or the pointer or focus
 * reaching the button, so the click finds it ready) and when the provider redirected back here
 * (its response is in the URL fragment).
 *
 * Groups overage: when the id_token could not name the person's groups, the session route says
 * so; the panel then asks for a Microsoft Graph token (a second redirect, with no prompt when
 * the person is signed in at the provider) and posts it to /api/auth/groups, which re-derives
 * their teams. If no token comes (consent refused), the step ends and they keep their teams.
 */
export function SignInPanel({ returnTo, config, isSandbox }: { returnTo: string; config: MsalPublicConfig; isSandbox: boolean }) {
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const msal = useRef<Promise<PublicClientApplication> | null>(null);
  const handled = useRef(false);

  const loadMsal = useCallback(() => {
    msal.current ??= import("./msal-client").then((m) => m.createMsal(config));
    return msal.current;
  }, [config]);

  useEffect(() => {
    if (handled.current || !hasRedirectResponse()) return;
    handled.current = true;
    void (async () => {
      const instance = await loadMsal();
      setStatus({ kind: "working", text: "Signing you in…" });
      let result: AuthenticationResult | null;
      try {
        result = await instance.handleRedirectPromise();
      } catch {
        // Signed in already when the groups step fails; only the groups could not be read.
        if (window.sessionStorage.getItem(GROUPS_STEP_RETURN)) return finishGroupsStep({ skip: true }, setStatus);
        return setStatus({ kind: "error", text: "Sign-in was not completed. Try again." });
      }
      if (!result) return setStatus({ kind: "idle" });
      if (isGraphToken(result)) return finishGroupsStep({ graphAccessToken: result.accessToken }, setStatus);
      if (!(await exchange(result, setStatus))) return;
      // Groups overage: the Graph redirect, once MSAL has finished handling the sign-in redirect.
      window.sessionStorage.setItem(GROUPS_STEP_RETURN, safeReturnTo(result.state));
      await instance
        .acquireTokenRedirect({ scopes: config.graphScopes, account: result.account, state: result.state, redirectStartPage: config.redirectUri })
        .catch(() => finishGroupsStep({ skip: true }, setStatus));
    })();
  }, [loadMsal, config]);

  async function signIn() {
    setStatus({ kind: "working", text: "Redirecting to sign-in…" });
    try {
      const instance = await loadMsal();
      // Settles any interaction a back-navigation left open, which would refuse a new redirect.
      await instance.handleRedirectPromise().catch(() => null);
      const res = await fetch("/api/auth/nonce", { method: "POST" });
      if (!res.ok) throw new Error(await errorText(res));
      const { nonce } = (await res.json()) as { nonce: string };
      await instance.loginRedirect({ scopes: config.scopes, nonce, state: returnTo, prompt: "select_account", redirectStartPage: config.redirectUri });
    } catch (error) {
      setStatus({ kind: "error", text: error instanceof Error ? error.message : "Sign-in could not start. Try again." });
    }
  }

  const isBusy = status.kind === "working";
  return (
    <div className="space-y-4">
      <button
        type="button"
        onClick={signIn}
        onPointerEnter={() => void loadMsal()}
        onFocus={() => void loadMsal()}
        disabled={isBusy}
        className="flex w-full items-center justify-center gap-3 rounded-lg bg-slate-900 px-4 py-3 text-sm font-semibold text-white shadow-sm hover:bg-slate-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:cursor-wait disabled:opacity-60"
      >
        <MicrosoftMark />
        Sign in with Microsoft
      </button>
      <p aria-live="polite" role="status" className={`min-h-5 text-sm ${status.kind === "error" ? "text-red-700" : "text-slate-600"}`}>
        {status.kind === "idle" ? "" : status.text}
      </p>
      {isSandbox ? (
        <p className="rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900">
          Sandbox sign-in: no Entra tenant is configured, so a local identity provider lets you pick one of the demo accounts.
        </p>
      ) : null}
    </div>
  );
}

/** MSAL's redirect responses come back in the fragment (its default response mode). */
function hasRedirectResponse(): boolean {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  return fragment.has("code") || fragment.has("error") || fragment.has("state");
}

/** Posts the id_token; true when the person is in too many groups and Graph must name them. */
async function exchange(result: AuthenticationResult, setStatus: (s: Status) => void): Promise<boolean> {
  setStatus({ kind: "working", text: "Signing you in…" });
  const res = await fetch("/api/auth/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ idToken: result.idToken }),
  });
  if (!res.ok) {
    setStatus({ kind: "error", text: await errorText(res) });
    return false;
  }
  const body = (await res.json().catch(() => ({}))) as { groups?: string };
  if (body.groups === "needed") {
    setStatus({ kind: "working", text: "You are in many groups: reading them from Microsoft Graph…" });
    return true;
  }
  // A full navigation, so the first portal page renders on the server with the new cookie.
  window.location.replace(safeReturnTo(result.state));
  return false;
}

async function finishGroupsStep(body: { graphAccessToken: string } | { skip: true }, setStatus: (s: Status) => void) {
  setStatus({ kind: "working", text: "skip" in body ? "Your groups could not be read; signing you in with your current teams…" : "Reading your teams…" });
  await fetch("/api/auth/groups", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).catch(() => undefined);
  const returnTo = window.sessionStorage.getItem(GROUPS_STEP_RETURN);
  window.sessionStorage.removeItem(GROUPS_STEP_RETURN);
  window.location.replace(safeReturnTo(returnTo ?? "/"));
}

async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? `Sign-in failed (${res.status}).`;
  } catch {
    return `Sign-in failed (${res.status}).`;
  }
}

function MicrosoftMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 21 21" className="h-4 w-4">
      <rect x="1" y="1" width="9" height="9" fill="#f25022" />
      <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
      <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
      <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
    </svg>
  );
}
