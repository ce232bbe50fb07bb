import { CopyButton } from "@/components/ui/copy-button";
import type { ArtifactsAuthHint } from "@/lib/feeds/artifacts-auth";

/** How people give pip their own PAT for an Azure Artifacts feed; pip.conf itself stays credential-free. */
export function ArtifactsAuth({ feedName, hint }: { feedName: string; hint: ArtifactsAuthHint }) {
  return (
    <section aria-label={`Authenticate to ${feedName}`} className="mt-4 rounded-lg border border-sky-200 bg-sky-50 p-4 text-sm text-slate-800">
      <h4 className="font-semibold text-slate-900">Authenticate pip to Azure Artifacts</h4>
      <p className="mt-1">
        Azure Artifacts never serves packages anonymously, and pip.conf carries no credentials. On your compute instance, give pip your own personal access token (scope {hint.patScope}) in <code className="rounded bg-white px-1 text-xs">~/.netrc</code>: pip reads it for{" "}
        <code className="rounded bg-white px-1 text-xs">{hint.machine}</code>.
      </p>
      <ol className="mt-2 list-decimal space-y-2 pl-5">
        <li>
          <code className="rounded bg-white px-1 text-xs">{hint.prepareCommand}</code>
        </li>
        <li>
          <span className="flex flex-wrap items-center gap-2">
            <span>
              Add this line, with your PAT in place of <code className="rounded bg-white px-1 text-xs">&lt;your PAT&gt;</code>:
            </span>
            <code className="break-all rounded bg-white px-2 py-1 text-xs text-slate-900" data-testid="netrc-line">{hint.netrcLine}</code>
            <CopyButton value={hint.netrcLine} label="Copy .netrc line" />
          </span>
        </li>
      </ol>
      <p className="mt-2 text-slate-700">
        Or use <code className="rounded bg-white px-1 text-xs">artifacts-keyring</code> where it is installed: pip then asks it for a token when the feed answers 401, and no PAT is stored on disk. Never put a PAT in pip.conf, a Dockerfile or a notebook; image builds authenticate through the workspace connection Feedgate created.
      </p>
    </section>
  );
}
