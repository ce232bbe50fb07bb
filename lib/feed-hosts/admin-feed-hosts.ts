import "server-only";
import { createHash, X509Certificate } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { CONFIG_VARIABLE_NAMES, env } from "@/lib/env";
import { AppError, FieldError, NotFoundError } from "@/lib/errors";
import { feedHostReasonSchema, type FeedHostKind, type FeedHostStatus, type RegisterFeedHostInput, type UpdateFeedHostInput } from "@/lib/validation/admin-feed-hosts";
import { credentialPolicyProblem } from "./credential-policy";
import type { FeedHostCheckResult } from "./test-connection";

/** Bad input on the feed-host form: one message per field; nothing was changed. */
export class FeedHostFieldError extends FieldError {}

/** What an Admin sees of a host. The credential reference is shown (it says where, not what); no secret is ever resolved here. */
export interface AdminFeedHostView {
  id: string;
  name: string;
  kind: FeedHostKind;
  baseUrl: string;
  credentialRef: string;
  organization: string | null;
  project: string | null;
  caCertificate: string | null;
  status: FeedHostStatus;
  lastCheckedAt: Date | null;
  lastCheckOk: boolean | null;
  lastCheck: FeedHostCheckResult | null;
  feedCount: number;
}

/** Where an Azure Artifacts organisation/project's packages live; the host's baseUrl. */
export function artifactsBaseUrl(organization: string, project: string): string {
  return `https://pkgs.dev.azure.com/${organization}/${project}`;
}

export async function listFeedHostsForAdmin(db: PrismaClient, actor: ActingUser): Promise<AdminFeedHostView[]> {
  requireRole(actor, "Feedgate.Admin");
  const hosts = await db.feedHost.findMany({ orderBy: { name: "asc" }, take: 1000, select: VIEW_SELECT });
  return hosts.map(toView);
}

export async function registerFeedHost(db: PrismaClient, actor: ActingUser, input: RegisterFeedHostInput, correlationId: string): Promise<AdminFeedHostView> {
  requireRole(actor, "Feedgate.Admin");
  const next: HostSettings =
    input.kind === "nexus"
      ? { kind: "nexus", name: input.name, baseUrl: input.baseUrl, credentialRef: input.credentialRef, organization: null, project: null, caCertificate: input.caCertificate ?? null }
      : { kind: "artifacts", name: input.name, baseUrl: artifactsBaseUrl(input.organization, input.project), credentialRef: input.credentialRef, organization: input.organization, project: input.project, caCertificate: null };
  assertCertificatesParse(next.caCertificate);
  assertCredentialAllowed(next.credentialRef);
  try {
    return await db.$transaction(async (tx) => {
      await assertFree(tx as unknown as PrismaClient, null, next);
      const host = await tx.feedHost.create({ data: { ...next, status: "ACTIVE" }, select: VIEW_SELECT });
      const view = toView(host);
      await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "feed_host.registered", targetType: "feed_host", targetId: host.id, before: null, after: auditShape(view), correlationId });
      return view;
    });
  } catch (error) {
    // Two Admins registering the same name at once: the unique index decides, the loser gets the field error.
    if (isUniqueViolation(error)) throw new FeedHostFieldError("conflict", { name: `a feed host named ${next.name} already exists` });
    throw error;
  }
}

export async function updateFeedHost(db: PrismaClient, actor: ActingUser, id: string, input: UpdateFeedHostInput, correlationId: string): Promise<AdminFeedHostView> {
  requireRole(actor, "Feedgate.Admin");
  return db.$transaction(async (tx) => {
    const existing = await tx.feedHost.findUnique({ where: { id }, select: VIEW_SELECT });
    if (!existing) throw new NotFoundError("No such feed host.");
    const before = toView(existing);
    const next = mergeSettings(before, input);
    assertCertificatesParse(next.caCertificate);
    // A host moved to another URL takes its credential along: the reference must pass then too.
    if (input.credentialRef !== undefined || next.baseUrl !== before.baseUrl) assertCredentialAllowed(next.credentialRef);
    await assertFree(tx as unknown as PrismaClient, id, next);
    const changed = SETTING_KEYS.some((k) => before[k] !== next[k]);
    if (!changed) return before;
    // Another URL or credential makes the last connection test say nothing about the host.
    const retest = before.baseUrl !== next.baseUrl || before.credentialRef !== next.credentialRef;
    const updated = await tx.feedHost.update({
      where: { id },
      data: { baseUrl: next.baseUrl, credentialRef: next.credentialRef, organization: next.organization, project: next.project, caCertificate: next.caCertificate, ...(retest ? { lastCheck: Prisma.DbNull, lastCheckedAt: null, lastCheckOk: null } : {}) },
      select: VIEW_SELECT,
    });
    const after = toView(updated);
    await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "feed_host.updated", targetType: "feed_host", targetId: id, before: auditShape(before), after: auditShape(after), correlationId });
    return after;
  });
}

/**
 * DISABLED ↔ ACTIVE. A disabled host takes no new feeds; the feeds it already serves are left as
 * they are. Setting the state it already has changes nothing and records nothing.
 */
export async function setFeedHostEnabled(db: PrismaClient, actor: ActingUser, id: string, enabled: boolean, reason: string, correlationId: string): Promise<AdminFeedHostView> {
  requireRole(actor, "Feedgate.Admin");
  const parsedReason = feedHostReasonSchema.safeParse(reason);
  if (!parsedReason.success) throw new FeedHostFieldError("invalid_input", { reason: parsedReason.error.issues[0]?.message ?? "is not valid" });
  if (!enabled && parsedReason.data.length === 0) throw new FeedHostFieldError("invalid_input", { reason: "say why the host is disabled" });
  return db.$transaction(async (tx) => {
    const existing = await tx.feedHost.findUnique({ where: { id }, select: VIEW_SELECT });
    if (!existing) throw new NotFoundError("No such feed host.");
    const before = toView(existing);
    const target: FeedHostStatus = enabled ? "ACTIVE" : "DISABLED";
    if (before.status === target) return before;
    if (before.status === "PROVISIONING") throw new AppError("conflict", "The feed host is still being provisioned; it can be disabled or enabled once it is ready.");
    const updated = await tx.feedHost.update({ where: { id }, data: { status: target }, select: VIEW_SELECT });
    const after = toView(updated);
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: enabled ? "feed_host.enabled" : "feed_host.disabled",
      targetType: "feed_host",
      targetId: id,
      before: { status: before.status },
      after: { status: after.status, reason: parsedReason.data || null },
      correlationId,
    });
    return after;
  });
}

/**
 * Stores a "Test connection" result (lib/feed-hosts/test-connection.ts) on the host. With an
 * actor, the test is audited as `feed_host.tested` in the same transaction.
 */
export async function recordFeedHostCheck(
  db: PrismaClient,
  id: string,
  result: FeedHostCheckResult,
  options: { actor?: ActingUser; correlationId?: string; checkedAt?: Date } = {},
): Promise<AdminFeedHostView> {
  if (options.actor) requireRole(options.actor, "Feedgate.Admin");
  const stored = storedCheck(result);
  const checkedAt = options.checkedAt ?? new Date();
  return db.$transaction(async (tx) => {
    const existing = await tx.feedHost.findUnique({ where: { id }, select: { id: true } });
    if (!existing) throw new NotFoundError("No such feed host.");
    const updated = await tx.feedHost.update({ where: { id }, data: { lastCheck: stored as unknown as Prisma.InputJsonValue, lastCheckedAt: checkedAt, lastCheckOk: stored.ok }, select: VIEW_SELECT });
    if (options.actor) {
      await recordAuditEvent(tx, { actorOid: options.actor.oid, actorName: options.actor.name, action: "feed_host.tested", targetType: "feed_host", targetId: id, before: null, after: stored as unknown as Prisma.InputJsonValue, correlationId: options.correlationId ?? "" });
    }
    return toView(updated);
  });
}

const VIEW_SELECT = {
  id: true,
  name: true,
  kind: true,
  baseUrl: true,
  credentialRef: true,
  organization: true,
  project: true,
  caCertificate: true,
  status: true,
  lastCheckedAt: true,
  lastCheckOk: true,
  lastCheck: true,
  _count: { select: { feeds: true } },
} as const;

interface HostSettings {
  kind: FeedHostKind;
  name: string;
  baseUrl: string;
  credentialRef: string;
  organization: string | null;
  project: string | null;
  caCertificate: string | null;
}

const SETTING_KEYS = ["baseUrl", "credentialRef", "organization", "project", "caCertificate"] as const;

/** The update applied to the host's current settings; a field of the other kind is a field error. */
function mergeSettings(before: AdminFeedHostView, input: UpdateFeedHostInput): HostSettings {
  const wrongKind: Record<string, string> = {};
  if (before.kind === "nexus") {
    if (input.organization !== undefined) wrongKind.organization = "only an Azure Artifacts host has an organization";
    if (input.project !== undefined) wrongKind.project = "only an Azure Artifacts host has a project";
  } else {
    if (input.baseUrl !== undefined) wrongKind.baseUrl = "an Azure Artifacts host's URL follows from its organization and project";
    if (input.caCertificate !== undefined && input.caCertificate !== null) wrongKind.caCertificate = "an Azure Artifacts host has no CA certificate";
  }
  if (Object.keys(wrongKind).length > 0) throw new FeedHostFieldError("invalid_input", wrongKind);
  const organization = before.kind === "artifacts" ? (input.organization ?? before.organization) : null;
  const project = before.kind === "artifacts" ? (input.project ?? before.project) : null;
  return {
    kind: before.kind,
    name: before.name,
    baseUrl: before.kind === "artifacts" && organization && project ? artifactsBaseUrl(organization, project) : (input.baseUrl ?? before.baseUrl),
    credentialRef: input.credentialRef ?? before.credentialRef,
    organization,
    project,
    caCertificate: before.kind === "nexus" ? (input.caCertificate === undefined ? before.caCertificate : input.caCertificate) : null,
  };
}

/** The name is the host's own; so is a Nexus' URL and an Artifacts organisation/project. A clash is a field error naming the other host. */
async function assertFree(db: PrismaClient, selfId: string | null, next: HostSettings) {
  const others = await db.feedHost.findMany({ where: selfId ? { id: { not: selfId } } : {}, select: { name: true, kind: true, baseUrl: true }, take: 5000 });
  const fields: Record<string, string> = {};
  if (others.some((h) => h.name.toLowerCase() === next.name.toLowerCase())) fields.name = `a feed host named ${next.name} already exists`;
  const sameUrl = others.find((h) => h.kind === next.kind && h.baseUrl.replace(/\/+$/, "").toLowerCase() === next.baseUrl.toLowerCase());
  if (sameUrl && next.kind === "nexus") fields.baseUrl = `feed host ${sameUrl.name} already has this URL`;
  if (sameUrl && next.kind === "artifacts") fields.project = `feed host ${sameUrl.name} already serves ${next.organization}/${next.project}`;
  if (Object.keys(fields).length > 0) throw new FeedHostFieldError("conflict", fields);
}

/** The reference must be one an Admin may use (credential-policy.ts); the field error says which would do. */
function assertCredentialAllowed(ref: string) {
  const problem = credentialPolicyProblem(ref, { envPrefixes: env.FEED_HOST_ENV_PREFIXES, secretsDir: env.FEED_HOST_SECRETS_DIR, ownVariables: new Set(CONFIG_VARIABLE_NAMES) });
  if (problem) throw new FeedHostFieldError("invalid_input", { credentialRef: problem });
}

/** The form checks the PEM shape; here each block must also be a certificate Node can read. */
function assertCertificatesParse(pem: string | null) {
  if (!pem) return;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g) ?? [];
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new FeedHostFieldError("invalid_input", { caCertificate: `certificate ${index + 1} of ${blocks.length} is not a readable X.509 certificate` });
    }
  });
}

type HostRow = Omit<AdminFeedHostView, "feedCount" | "lastCheck" | "kind" | "status"> & { kind: string; status: string; lastCheck: unknown; _count: { feeds: number } };

function toView(host: HostRow): AdminFeedHostView {
  return {
    id: host.id,
    name: host.name,
    kind: host.kind as FeedHostKind,
    baseUrl: host.baseUrl,
    credentialRef: host.credentialRef,
    organization: host.organization,
    project: host.project,
    caCertificate: host.caCertificate,
    status: host.status as FeedHostStatus,
    lastCheckedAt: host.lastCheckedAt,
    lastCheckOk: host.lastCheckOk,
    lastCheck: parseStoredCheck(host.lastCheck),
    feedCount: host._count.feeds,
  };
}

/** Only the known shape is stored and shown, each detail one bounded line. */
function storedCheck(result: FeedHostCheckResult): FeedHostCheckResult {
  const checks = result.checks.map((c) => ({ name: c.name, ok: c.ok === true, detail: oneLine(c.detail) }));
  const ok = result.ok === true && checks.every((c) => c.ok);
  return result.version ? { ok, checks, version: oneLine(result.version).slice(0, 100) } : { ok, checks };
}

function parseStoredCheck(value: unknown): FeedHostCheckResult | null {
  const v = (typeof value === "string" ? safeJson(value) : value) as Partial<FeedHostCheckResult> | null | undefined;
  if (!v || typeof v !== "object" || !Array.isArray(v.checks)) return null;
  return storedCheck({ ok: v.ok === true, checks: v.checks, version: typeof v.version === "string" ? v.version : undefined });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function oneLine(text: unknown): string {
  return String(text ?? "").replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, " ").slice(0, 500);
}

/** Settings as audited: the CA by fingerprint, not its 20 kB of PEM. */
function auditShape(view: AdminFeedHostView) {
  return {
    name: view.name,
    kind: view.kind,
    baseUrl: view.baseUrl,
    credentialRef: view.credentialRef,
    organization: view.organization,
    project: view.project,
    caCertificateSha256: view.caCertificate ? createHash("sha256").update(view.caCertificate).digest("hex") : null,
    status: view.status,
  };
}
