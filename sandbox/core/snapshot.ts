import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The sandbox's on-disk state: one JSON snapshot, written atomically (temp file + rename) a short
 * while after changes and on shutdown, read at start. Maps and Sets are tagged so that any state
 * object of plain data, Maps and Sets round-trips without a per-field codec; Promises and
 * functions (in-flight work) are dropped.
 */
export function encodeSnapshot(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return { $map: [...v.entries()] };
    if (v instanceof Set) return { $set: [...v.values()] };
    if (v instanceof Promise) return undefined;
    return v;
  });
}

export function decodeSnapshot(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (isTagged(v, "$map") && Array.isArray(v.$map)) return new Map(v.$map as [unknown, unknown][]);
    if (isTagged(v, "$set") && Array.isArray(v.$set)) return new Set(v.$set as unknown[]);
    return v;
  });
}

/** Writes `text` to `file` so that a reader sees the old or the new content, never a torn one. */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, file);
}

/** The decoded snapshot, undefined when there is none; a damaged file is an error that names it. */
export function readSnapshotFile(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return decodeSnapshot(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`sandbox state ${file} is unreadable (${error instanceof Error ? error.message : String(error)}); move it away to start the sandbox empty`);
  }
}

export type SnapshotWriterOptions = {
  file: string;
  collect: () => unknown;
  /** Quiet time after the last change before the snapshot is written. */
  debounceMs: number;
  /** While true (deployments or builds in flight), the snapshot is rewritten every debounceMs. */
  isBusy: () => boolean;
  onError?: (error: unknown) => void;
};

/** Debounced snapshots: `changed()` after a mutation, `flush()` on shutdown. */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private last = "";
  private stopped = false;

  constructor(private readonly options: SnapshotWriterOptions) {}

  changed(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), this.options.debounceMs);
    this.timer.unref();
  }

  /** Writes now (if anything changed since the last write) and cancels a pending write. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const text = encodeSnapshot(this.options.collect());
    if (text === this.last) return;
    writeFileAtomic(this.options.file, text);
    this.last = text;
  }

  /** Final write; later changes are ignored. */
  stop(): void {
    this.flush();
    this.stopped = true;
  }

  private tick(): void {
    this.timer = undefined;
    try {
      this.flush();
    } catch (error) {
      this.options.onError?.(error);
    }
    // Background progress (a deployment's resources, a build's phases) changes state without a request.
    if (this.options.isBusy()) this.changed();
  }
}

function isTagged<K extends string>(v: unknown, key: K): v is Record<K, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && key in v;
}
