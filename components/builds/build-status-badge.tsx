import { STATUS_LABELS, type BuildStatusValue } from "@/lib/builds/build-filters";

const TONES: Record<BuildStatusValue, string> = {
  QUEUED: "bg-slate-100 text-slate-800 ring-slate-300",
  PROVISIONING_ACR: "bg-sky-50 text-sky-800 ring-sky-300",
  RUNNING: "bg-sky-50 text-sky-800 ring-sky-300",
  SUCCEEDED: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  FAILED: "bg-red-50 text-red-800 ring-red-300",
  CANCELLED: "bg-amber-50 text-amber-900 ring-amber-300",
};

export function BuildStatusBadge({ status }: { status: BuildStatusValue }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[status]}`}>{STATUS_LABELS[status]}</span>;
}
