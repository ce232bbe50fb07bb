import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AccessDenied } from "@/components/auth/access-denied";
import { BuildLockPanel } from "@/components/builds/build-lock-panel";
import { BuildLogViewer } from "@/components/builds/build-log-viewer";
import { BuildStatusBadge } from "@/components/builds/build-status-badge";
import { RebuildBuildButtons } from "@/components/builds/rebuild-build-buttons";
import { RetryBuildButton } from "@/components/builds/retry-build-button";
import { PublishToRegistry } from "@/components/registries/publish-to-registry";
import { StaleBanner } from "@/components/staleness/stale-banner";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { canUseSection } from "@/lib/auth/roles";
import { FAILURE_CLASS_LABELS, STATUS_LABELS } from "@/lib/builds/build-filters";
import { readBuildLogText } from "@/lib/builds/build-log";
import { formatDuration, formatUtc } from "@/lib/builds/format-build";
import { getBuild, type DiffPart } from "@/lib/builds/get-build";
import { logTailStart } from "@/lib/builds/tail-build-log";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { getPublishPanel } from "@/lib/registries/publications";

export const metadata: Metadata = { title: "Build" };

const TAIL_BYTES = 256 * 1024;
const PHASE_LABELS = { QUEUED: "Queued", PROVISIONING_ACR: "Provisioning registry", RUNNING: "Building image" } as const;

export default async function BuildPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  if (!canUseSection(user.roles, "builds")) return <AccessDenied section="Builds" />;
  const db = getDb();
  const build = await getBuild(db, user, (await params).id).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  // The first snapshot of the log: its last 256 KB from a chunk boundary; the viewer tails from its end.
  const size = build.logBytes;
  const start = await logTailStart(db, build.id, size, TAIL_BYTES);
  const tail = await readBuildLogText(db, build.id, start, size);
  const isFinished = build.status === "SUCCEEDED" || build.status === "FAILED" || build.status === "CANCELLED";
  const publishPanel = build.status === "SUCCEEDED" ? await getPublishPanel(db, user, build.environmentId) : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/builds" className="text-sky-800 underline underline-offset-2">Builds</Link>
        <span aria-hidden="true" className="mx-1 text-slate-400">/</span>
        <span className="text-slate-600">{build.environmentName}</span>
      </nav>
      <PageHeader
        title={`${build.environmentName}:${build.environmentVersion}`}
        description={`${build.teamName} · ${build.workspaceName} · attempt ${build.attempt}`}
        actions={build.status === "FAILED" ? <RetryBuildButton buildId={build.id} /> : build.status === "SUCCEEDED" && !build.staleReasons ? <RebuildBuildButtons buildId={build.id} hasLock={build.lock !== null} /> : undefined}
      />

      {build.staleReasons ? <StaleBanner reasons={build.staleReasons} action={build.status === "SUCCEEDED" ? <RebuildBuildButtons buildId={build.id} hasLock={build.lock !== null} /> : undefined} /> : null}

      {publishPanel ? <PublishToRegistry initial={publishPanel} /> : null}

      <div className="mb-6 grid gap-4 lg:grid-cols-3">
        <section aria-labelledby="summary-h" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="summary-h" className="mb-3 text-base font-semibold text-slate-900">Summary</h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
            <dt className="text-slate-500">Status</dt>
            <dd><BuildStatusBadge status={build.status} /></dd>
            <dt className="text-slate-500">Queued</dt>
            <dd>{formatUtc(build.queuedAt)}</dd>
            <dt className="text-slate-500">Finished</dt>
            <dd>{build.finishedAt ? formatUtc(build.finishedAt) : "—"}</dd>
            <dt className="text-slate-500">Duration</dt>
            <dd>{formatDuration(build.durationMs)}</dd>
            {build.requestId ? (
              <>
                <dt className="text-slate-500">Request</dt>
                <dd><Link href={`/requests/${build.requestId}`} className="text-sky-800 underline">Open the request</Link></dd>
              </>
            ) : null}
          </dl>
        </section>

        <section aria-labelledby="phases-h" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm lg:col-span-2">
          <h2 id="phases-h" className="mb-3 text-base font-semibold text-slate-900">Phase timeline</h2>
          {build.phases.length === 0 ? (
            <p className="text-sm text-slate-600">No phase has started yet.</p>
          ) : (
            <ol className="space-y-2">
              {build.phases.map((p) => {
                const ms = p.end ? Date.parse(p.end) - Date.parse(p.start) : null;
                return (
                  <li key={p.phase} className="flex flex-wrap items-center gap-3 text-sm">
                    <span className="w-44 font-medium text-slate-800">{PHASE_LABELS[p.phase]}</span>
                    <span className="text-slate-600">{formatUtc(p.start)}</span>
                    <span className="text-slate-900">{p.end ? formatDuration(ms) : "in progress"}</span>
                  </li>
                );
              })}
            </ol>
          )}
        </section>
      </div>

      {build.failureClass ? (
        <section aria-labelledby="failure-h" className="mb-6 rounded-xl border border-red-200 bg-red-50 p-4">
          <h2 id="failure-h" className="text-base font-semibold text-red-900">Why it failed: {FAILURE_CLASS_LABELS[build.failureClass]}</h2>
          <p className="mt-1 text-sm text-red-900">{build.guidance}</p>
          {build.failureMessage ? <p className="mt-2 font-mono text-xs break-all text-red-800">{build.failureMessage}</p> : null}
        </section>
      ) : null}

      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <section aria-labelledby="sources-h" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="sources-h" className="mb-3 text-base font-semibold text-slate-900">Effective sources</h2>
          <dl className="space-y-2 text-sm">
            <div><dt className="text-slate-500">pip index</dt><dd className="font-mono text-xs break-all">{build.sources.pipIndexUrl ?? "— (no feed recorded)"}</dd></div>
            <div><dt className="text-slate-500">conda channels</dt><dd className="font-mono text-xs break-all">{build.sources.condaChannelUrls.length ? build.sources.condaChannelUrls.join(", ") : "—"}</dd></div>
            <div><dt className="text-slate-500">Base image</dt><dd className="font-mono text-xs break-all">{build.sources.baseImage}</dd></div>
            <div><dt className="text-slate-500">pip packages</dt><dd className="font-mono text-xs">{build.sources.pip.join(", ") || "—"}</dd></div>
            <div><dt className="text-slate-500">conda packages</dt><dd className="font-mono text-xs">{build.sources.conda.join(", ") || "—"}</dd></div>
          </dl>
        </section>
        <section aria-labelledby="dockerfile-h" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="dockerfile-h" className="mb-3 text-base font-semibold text-slate-900">Dockerfile</h2>
          {build.dockerfile ? (
            <pre tabIndex={0} className="max-h-72 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs text-slate-100">{build.dockerfile}</pre>
          ) : (
            <p className="text-sm text-slate-600">The Dockerfile cannot be re-rendered: the environment has no feed on record.</p>
          )}
        </section>
      </div>

      <section aria-labelledby="diff-h" className="mb-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="diff-h" className="mb-3 text-base font-semibold text-slate-900">Changes since the last successful build</h2>
        {build.baseline ? (
          <>
            <p className="mb-3 text-sm text-slate-600">
              Compared with <Link href={`/builds/${build.baseline.id}`} className="text-sky-800 underline">version {build.baseline.environmentVersion}, queued {formatUtc(build.baseline.queuedAt)}</Link>.
            </p>
            <div className="grid gap-4 lg:grid-cols-2">
              <DiffBlock title="Packages" parts={build.baseline.packageDiff} />
              <DiffBlock title="Dockerfile" parts={build.baseline.dockerfileDiff} />
            </div>
          </>
        ) : (
          <p className="text-sm text-slate-600">No earlier successful build of {build.environmentName} in this workspace to compare with.</p>
        )}
      </section>

      {build.status === "SUCCEEDED" ? <BuildLockPanel lock={build.lock} diff={build.baseline?.lockDiff ?? null} baselineVersion={build.baseline?.environmentVersion ?? null} /> : null}

      <BuildLogViewer buildId={build.id} initialText={tail} start={start} end={size} isFinished={isFinished} />
      <p className="sr-only">Status: {STATUS_LABELS[build.status]}</p>
    </>
  );
}

function DiffBlock({ title, parts }: { title: string; parts: DiffPart[] }) {
  const changed = parts.some((p) => p.kind !== "same");
  return (
    <div>
      <h3 className="mb-1 text-sm font-medium text-slate-800">{title}{changed ? "" : " (unchanged)"}</h3>
      <pre tabIndex={0} aria-label={`${title} diff`} className="max-h-72 overflow-auto rounded-lg border border-slate-200 bg-slate-50 p-3 font-mono text-xs">
        {parts.flatMap((p, i) =>
          p.text
            .replace(/\n$/, "")
            .split("\n")
            .map((line, j) => (
              <div key={`${i}-${j}`} className={p.kind === "added" ? "bg-emerald-100 text-emerald-900" : p.kind === "removed" ? "bg-red-100 text-red-900" : "text-slate-700"}>
                <span aria-hidden="true">{p.kind === "added" ? "+ " : p.kind === "removed" ? "- " : "  "}</span>
                <span className="sr-only">{p.kind === "added" ? "added: " : p.kind === "removed" ? "removed: " : ""}</span>
                {line}
              </div>
            )),
        )}
      </pre>
    </div>
  );
}
