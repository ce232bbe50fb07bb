/**
 * One staleness round: every environment version that is not superseded and has a succeeded
 * build is judged by its newest succeeded build. It is stale when
 * - base-image: the registry's digest for its base image differs from the one the build pulled;
 * - banned: its lock pins a package on the block-list (PackageBlock, PEP 503 names);
 * - revoked: an upstream of its feed was revoked;
 * - yanked: a release its lock pins is yanked (PEP 592) on the Nexus pip index the build used
 *   (yanked-packages.ts: one read per distinct index and package per round, bounded).
 * A version that turns stale keeps the time it first did (staleAt) and is audited
 * (`environment.stale`); one that is fresh again loses staleAt and its reasons.
 *
 * Bounded work: the block-list is read once, the registry asked once per distinct base image,
 * and versions are read in keyset pages with their build, lock and revoked upstreams in a few
 * queries per page. Only versions whose reasons changed are written one by one; the rest get their
 * staleCheckedAt in one update per page.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { ContainerRegistryClient } from "@/lib/cloud/container-registry";
import type { PrismaClient } from "@/lib/db/client";
import { normalizePackageName } from "@/lib/feed-config/nexus-policy";
import { BASE_IMAGE_IDS, type BaseImageId } from "@/lib/validation/base-images";
import { readStaleReasons, STALE_REASON_KINDS, type StaleReason } from "./stale-reasons";
import { createYankedReader, type YankedReader } from "./yanked-packages";

export interface StalenessDeps {
  db: PrismaClient;
  cloud: { containerRegistry: ContainerRegistryClient };
}

export interface StalenessRound {
  checked: number;
  stale: number;
  /** Environment ids that turned stale in this round. */
  turnedStale: string[];
  /** Environment ids that were stale and are fresh again. */
  turnedFresh: string[];
  /** Base images the registry did not answer for (their versions keep their base-image reasons). */
  unreachableImages: string[];
}

const PAGE_SIZE = 200;
const STALENESS_ACTOR = "system:staleness-check";

export async function checkStaleness(deps: StalenessDeps, options: { now?: Date; pageSize?: number; correlationId?: string; yanked?: YankedReader } = {}): Promise<StalenessRound> {
  const { db } = deps;
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const correlationId = options.correlationId ?? `staleness-${randomUUID()}`;
  const blocks = new Map((await db.packageBlock.findMany({ select: { name: true, reason: true } })).map((b) => [b.name, b.reason]));
  const digests = new Map<string, Promise<string | undefined>>();
  const yanked = options.yanked ?? createYankedReader();
  const round: StalenessRound = { checked: 0, stale: 0, turnedStale: [], turnedFresh: [], unreachableImages: [] };
  const registryDigest = (image: BaseImageId): Promise<string | undefined> => {
    let digest = digests.get(image);
    if (!digest) {
      digest = deps.cloud.containerRegistry.manifestDigest(image).catch(() => {
        round.unreachableImages.push(image);
        return undefined;
      });
      digests.set(image, digest);
    }
    return digest;
  };

  let cursor: string | undefined;
  for (;;) {
    const page = await loadPage(db, cursor, pageSize);
    if (page.length === 0) break;
    cursor = page[page.length - 1]?.id;
    const revoked = await revokedUpstreamsByFeed(db, page.map((e) => e.request?.feedId).filter((id): id is string => !!id));
    const unchanged: string[] = [];
    for (const env of page) {
      const build = env.builds[0];
      if (!build) continue;
      round.checked++;
      const before = readStaleReasons(env.staleReasons);
      const reasons = sortReasons([
        ...(await baseImageReasons(env.baseImage, build.baseImageDigest, before, registryDigest)),
        ...bannedReasons(build.lock, blocks),
        ...(env.request?.feedId ? (revoked.get(env.request.feedId) ?? []) : []),
        ...(await yankedReasons(env, build, before, yanked)),
      ]).slice(0, 50);
      if (reasons.length > 0) round.stale++;
      if (sameReasons(before, reasons) && (reasons.length > 0) === (env.staleAt !== null)) {
        unchanged.push(env.id);
        continue;
      }
      await writeVerdict(db, env, reasons, now, correlationId, round);
    }
    if (unchanged.length > 0) await db.environment.updateMany({ where: { id: { in: unchanged } }, data: { staleCheckedAt: now } });
    if (page.length < pageSize) break;
  }
  return round;
}

type PageRow = Awaited<ReturnType<typeof loadPage>>[number];

function loadPage(db: PrismaClient, cursor: string | undefined, take: number) {
  return db.environment.findMany({
    where: { supersededAt: null, builds: { some: { status: "SUCCEEDED" } }, ...(cursor ? { id: { gt: cursor } } : {}) },
    orderBy: { id: "asc" },
    take,
    select: {
      id: true,
      teamId: true,
      name: true,
      version: true,
      baseImage: true,
      staleAt: true,
      staleReasons: true,
      request: { select: { feedId: true, feed: { select: { host: { select: { kind: true } } } } } },
      builds: {
        where: { status: "SUCCEEDED" },
        orderBy: [{ finishedAt: "desc" }, { queuedAt: "desc" }],
        take: 1,
        select: { id: true, baseImageDigest: true, pipIndexUrl: true, lock: { select: { pip: true, conda: true } } },
      },
    },
  });
}

async function writeVerdict(db: PrismaClient, env: PageRow, reasons: StaleReason[], now: Date, correlationId: string, round: StalenessRound): Promise<void> {
  const json = reasons as unknown as Prisma.InputJsonValue;
  if (reasons.length === 0) {
    await db.environment.update({ where: { id: env.id }, data: { staleAt: null, staleReasons: Prisma.DbNull, staleCheckedAt: now } });
    if (env.staleAt) round.turnedFresh.push(env.id);
    return;
  }
  if (env.staleAt) {
    await db.environment.update({ where: { id: env.id }, data: { staleReasons: json, staleCheckedAt: now } });
    return;
  }
  // Conditional on staleAt still null: two rounds at once (the watcher and a check requested by
  // an admin) turn a version stale, and audit it, once.
  const { count } = await db.environment.updateMany({ where: { id: env.id, staleAt: null }, data: { staleAt: now, staleReasons: json, staleCheckedAt: now } });
  if (count !== 1) {
    await db.environment.update({ where: { id: env.id }, data: { staleReasons: json, staleCheckedAt: now } });
    return;
  }
  round.turnedStale.push(env.id);
  await recordAuditEvent(db, {
    actorOid: STALENESS_ACTOR,
    actorName: "Staleness check",
    action: "environment.stale",
    targetType: "environment",
    targetId: env.id,
    before: { stale: false },
    after: { stale: true, environment: env.name, version: env.version, reasons: json },
    correlationId,
    teamId: env.teamId,
  });
}

async function baseImageReasons(baseImage: string, pulled: string | null, before: StaleReason[], registryDigest: (image: BaseImageId) => Promise<string | undefined>): Promise<StaleReason[]> {
  if (!isBaseImageId(baseImage) || !pulled) return [];
  const current = await registryDigest(baseImage);
  // The registry did not answer: keep what the last round found rather than flap.
  if (current === undefined) return before.filter((r) => r.kind === "base-image");
  if (current === pulled) return [];
  return [{ kind: "base-image", subject: baseImage, detail: `The base image has a newer digest (${short(pulled)} → ${short(current)}): rebuild to pick it up.` }];
}

async function yankedReasons(env: PageRow, build: PageRow["builds"][number], before: StaleReason[], reader: YankedReader): Promise<StaleReason[]> {
  // Artifacts feeds need the host's PAT to be read; only Nexus feeds (read anonymously) are asked.
  if (!build.lock?.pip || !build.pipIndexUrl || env.request?.feed?.host.kind !== "nexus") return [];
  const reasons = await reader.reasonsFor(build.pipIndexUrl, build.lock.pip.split("\n"));
  // The index did not answer for some package: keep what the last round found.
  return reasons ?? before.filter((r) => r.kind === "yanked");
}

function bannedReasons(lock: { pip: string; conda: string } | null, blocks: Map<string, string>): StaleReason[] {
  if (!lock || blocks.size === 0) return [];
  const reasons = new Map<string, StaleReason>();
  for (const line of [...lock.pip.split("\n"), ...lock.conda.split("\n")]) {
    const [rawName, version] = line.split("==");
    if (!rawName || !version) continue;
    const name = normalizePackageName(rawName);
    const reason = blocks.get(name);
    if (reason === undefined || reasons.has(name)) continue;
    reasons.set(name, { kind: "banned", subject: name, detail: clip(`${name}==${version} is on the block-list: ${reason}`, 500) });
  }
  return [...reasons.values()];
}

/** Per feed, a revoked reason for each revoked upstream linked to it (one query for a page's feeds). */
async function revokedUpstreamsByFeed(db: PrismaClient, feedIds: string[]): Promise<Map<string, StaleReason[]>> {
  const byFeed = new Map<string, StaleReason[]>();
  if (feedIds.length === 0) return byFeed;
  const links = await db.feedUpstream.findMany({
    where: { feedId: { in: [...new Set(feedIds)] }, upstream: { status: "revoked" } },
    select: { feedId: true, upstream: { select: { name: true, decisionReason: true } } },
  });
  for (const link of links) {
    const reason: StaleReason = { kind: "revoked", subject: clip(link.upstream.name, 300), detail: clip(`Upstream ${link.upstream.name}, which its feed proxied, was revoked${link.upstream.decisionReason ? `: ${link.upstream.decisionReason}` : "."}`, 500) };
    byFeed.set(link.feedId, [...(byFeed.get(link.feedId) ?? []), reason]);
  }
  return byFeed;
}

function sortReasons(reasons: StaleReason[]): StaleReason[] {
  return [...reasons].sort((a, b) => STALE_REASON_KINDS.indexOf(a.kind) - STALE_REASON_KINDS.indexOf(b.kind) || a.subject.localeCompare(b.subject));
}

function sameReasons(a: StaleReason[], b: StaleReason[]): boolean {
  return JSON.stringify(sortReasons(a)) === JSON.stringify(b);
}

function isBaseImageId(image: string): image is BaseImageId {
  return (BASE_IMAGE_IDS as readonly string[]).includes(image);
}

function short(digest: string): string {
  return `${digest.slice(0, 7 + 12)}…`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
