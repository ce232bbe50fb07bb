import { CopyButton } from "@/components/ui/copy-button";
import type { TeamlessGuidance } from "@/lib/teams/teamless-guidance";

/** Shown above every page to a signed-in person who is in no team yet: never an empty portal. */
export function TeamlessNotice({ guidance }: { guidance: TeamlessGuidance }) {
  return (
    <section aria-labelledby="teamless-title" className="mb-6 rounded-xl border border-amber-300 bg-amber-50 p-5 text-sm text-amber-950">
      <h2 id="teamless-title" className="text-base font-semibold">You are not in a team yet</h2>
      <p className="mt-1">
        Feeds, requests and builds belong to teams, so there is nothing to show you until a Feedgate Admin adds you to yours. Ask them to add you, and give them your Entra object id:
      </p>
      <p className="mt-2 flex flex-wrap items-center gap-2">
        <code className="rounded bg-white px-2 py-1 text-xs">{guidance.oid}</code>
        <CopyButton value={guidance.oid} label="Copy your Entra object id" />
      </p>
      {guidance.admins.length ? (
        <>
          <p className="mt-3">Feedgate Admins:</p>
          <ul className="mt-1 list-inside list-disc">
            {guidance.admins.map((a) => (
              <li key={a.email}>
                {a.name} — <a className="font-medium underline" href={`mailto:${encodeURIComponent(a.email)}?subject=${encodeURIComponent("Please add me to my team in Feedgate")}`}>{a.email}</a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="mt-3">No Admin has signed in yet: ask whoever runs Feedgate in your organisation (the owners of its Entra app registration).</p>
      )}
      <p className="mt-3">Once you are added, sign out and in again, or reload this page.</p>
    </section>
  );
}
