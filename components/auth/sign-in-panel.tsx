"use client";

import { EventType, InteractionStatus, InteractionType, type AuthenticationResult, type EventMessage } from "@azure/msal-browser";
import { useMsal } from "@azure/msal-react";
import { useEffect, useRef, useState } from "react";
import { safeReturnTo } from "@/lib/auth/return-to";

type Status = { kind: "idle" } | { kind: "working"; text: string } | { kind: "error"; text: string };

/**
 * Starts MSAL's redirect sign-in with a server-minted nonce, and when MSAL comes back with an
 * id_token, posts it once to /api/auth/session, which verifies it and sets the session cookie.
 */
export function SignInPanel({ returnTo, scopes, redirectUri, isSandbox }: { returnTo: string; scopes: string[]; redirectUri: string; isSandbox: boolean }) {
  const { instance, inProgress } = useMsal();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const exchanged = useRef(false);

  useEffect(() => {
    // Registered before MsalProvider handles the redirect (child effects run first).
    const id = instance.addEventCallback((event: EventMessage) => {
      if (event.interactionType !== InteractionType.Redirect) return;
      const isSuccess = event.eventType === EventType.LOGIN_SUCCESS || event.eventType === EventType.ACQUIRE_TOKEN_SUCCESS;
      if (isSuccess && event.payload && !exchanged.current) {
        exchanged.current = true;
        void exchange(event.payload as AuthenticationResult, setStatus);
      } else if (event.eventType === EventType.ACQUIRE_TOKEN_FAILURE) {
        setStatus({ kind: "error", text: "Sign-in was not completed. Try again." });
      }
    });
    return () => {
      if (id) instance.removeEventCallback(id);
    };
  }, [instance]);

  async function signIn() {
    setStatus({ kind: "working", text: "Redirecting to sign-in…" });
    try {
      const res = await fetch("/api/auth/nonce", { method: "POST" });
      if (!res.ok) throw new Error(await errorText(res));
      const { nonce } = (await res.json()) as { nonce: string };
      await instance.loginRedirect({ scopes, nonce, state: returnTo, prompt: "select_account", redirectStartPage: redirectUri });
    } catch (error) {
      setStatus({ kind: "error", text: error instanceof Error ? error.message : "Sign-in could not start. Try again." });
    }
  }

  const isBusy = status.kind === "working" || inProgress !== InteractionStatus.None;
  return (
    <div className="space-y-4">
      <button
        type="button"
        onClick={signIn}
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

async function exchange(result: AuthenticationResult, setStatus: (s: Status) => void) {
  setStatus({ kind: "working", text: "Signing you in…" });
  const res = await fetch("/api/auth/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ idToken: result.idToken }),
  });
  if (!res.ok) {
    setStatus({ kind: "error", text: await errorText(res) });
    return;
  }
  // A full navigation, so the first portal page renders on the server with the new cookie.
  window.location.replace(safeReturnTo(result.state));
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
