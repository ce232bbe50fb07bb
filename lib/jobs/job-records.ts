/**
 * How lib/jobs stores things in the Job and JobEvent rows: the checkpoints Json, Json inputs,
 * and event inserts that keep each job's events in commit order.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { jobCheckpointsSchema, readJsonColumn } from "@/lib/db/json-columns";
import type { JsonValue } from "@/lib/jobs/define-job";

/**
 * Prisma's defaults (2 s to get a connection, 5 s to finish) fail whole operations when the
 * database or the machine is busy; job writes are short, so waiting longer is the better outcome.
 */
export const JOB_TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

export interface StepCheckpoint {
  done: boolean;
  /** Absent until the step saves something; the step's result once done. */
  data?: JsonValue;
  startedAt?: string;
  finishedAt?: string;
}

export type Checkpoints = Record<string, StepCheckpoint>;

export type JobEventInput = { step?: string | null; type: string; message: string; data?: JsonValue };

/** Reads the stored checkpoints, ignoring anything malformed rather than failing the job on it. */
export function parseCheckpoints(value: JsonValue | null | undefined): Checkpoints {
  const entries = readJsonColumn(jobCheckpointsSchema, value, {});
  const result: Checkpoints = {};
  for (const [name, entry] of Object.entries(entries)) {
    result[name] = {
      done: entry.done,
      ...(entry.data === undefined ? {} : { data: entry.data as JsonValue }),
      ...(entry.startedAt ? { startedAt: entry.startedAt } : {}),
      ...(entry.finishedAt ? { finishedAt: entry.finishedAt } : {}),
    };
  }
  return result;
}

export function toCheckpointsInput(checkpoints: Checkpoints): Prisma.InputJsonObject {
  return checkpoints as unknown as Prisma.InputJsonObject;
}

/** Prisma wants JsonNull, not null, for a top-level Json null. */
export function toJsonInput(value: JsonValue): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === null ? Prisma.JsonNull : (value as Prisma.InputJsonValue);
}

/**
 * Inserts events inside a transaction that has already updated (and so row-locked) the job.
 * The lock serialises writers per job, so on PostgreSQL a job's event ids are assigned in
 * commit order and a reader following `afterId` can never skip one that commits late.
 */
export async function insertJobEvents(tx: Prisma.TransactionClient, jobId: string, events: readonly JobEventInput[]) {
  for (const event of events) {
    await tx.jobEvent.create({
      data: {
        jobId,
        step: event.step ?? null,
        type: event.type,
        message: event.message,
        ...(event.data === undefined ? {} : { data: toJsonInput(event.data) }),
      },
    });
  }
}

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

