import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SignInPanel } from "@/components/auth/sign-in-panel";
import { Logo } from "@/components/shell/logo";
import { GROUPS_STEP_COOKIE } from "@/lib/auth/groups-step";
import { getMsalPublicConfig } from "@/lib/auth/msal-public-config";
import { getCurrentUser } from "@/lib/auth/require-user";
import { safeReturnTo } from "@/lib/auth/return-to";
import { isSandboxIdentity } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ returnTo?: string | string[] }> }) {
  const raw = (await searchParams).returnTo;
  const returnTo = safeReturnTo(Array.isArray(raw) ? raw[0] : raw);
  // Signed in already: go on, unless MSAL is coming back from the groups step of an overage sign-in.
  const isGroupsStep = (await cookies()).get(GROUPS_STEP_COOKIE)?.value === "1";
  if ((await getCurrentUser()) && !isGroupsStep) redirect(returnTo);
  const msal = await getMsalPublicConfig();
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-900 px-4">
      <div className="w-full max-w-sm rounded-2xl bg-white p-8 shadow-xl">
        <div className="mb-6 inline-flex rounded-lg bg-slate-900 px-3 py-2">
          <Logo />
        </div>
        <h1 className="text-xl font-semibold text-slate-900">Sign in to Feedgate</h1>
        <p className="mb-6 mt-1 text-sm text-slate-600">Private pip and conda feeds for network-isolated Azure ML workspaces.</p>
        <SignInPanel returnTo={returnTo} config={msal} isSandbox={isSandboxIdentity()} />
      </div>
    </main>
  );
}
