/**
 * The fixed lines that fence what an image build installed in its log: the Dockerfile's last
 * layers print them around `pip list --format=freeze` and `conda list --explicit`, and lib/builds/build-lock
 * reads the lock back from between them. Constant text only: nothing a user typed.
 */
export const LOCK_KINDS = ["pip", "conda"] as const;
export type LockKind = (typeof LOCK_KINDS)[number];

export function lockBeginMarker(kind: LockKind): string {
  return `### FEEDGATE-LOCK BEGIN ${kind} ###`;
}

export function lockEndMarker(kind: LockKind): string {
  return `### FEEDGATE-LOCK END ${kind} ###`;
}
