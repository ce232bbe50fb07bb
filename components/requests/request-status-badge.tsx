import type { FeedRequestStatus } from "@/generated/prisma/enums";

const STYLES: Record<FeedRequestStatus, { label: string; className: string }> = {
  DRAFT: { label: "Draft", className: "bg-slate-100 text-slate-700" },
  SUBMITTED: { label: "Submitted", className: "bg-sky-100 text-sky-800" },
  AWAITING_UPSTREAM: { label: "Awaiting upstream", className: "bg-amber-100 text-amber-900" },
  APPROVED: { label: "Approved", className: "bg-indigo-100 text-indigo-800" },
  DECLINED: { label: "Declined", className: "bg-red-100 text-red-800" },
  PROVISIONING: { label: "Provisioning", className: "bg-violet-100 text-violet-800" },
  READY: { label: "Ready", className: "bg-emerald-100 text-emerald-800" },
  FAILED: { label: "Failed", className: "bg-red-100 text-red-800" },
  CANCELLED: { label: "Cancelled", className: "bg-slate-200 text-slate-700" },
};

export function RequestStatusBadge({ status }: { status: FeedRequestStatus }) {
  const s = STYLES[status];
  return <span className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-semibold ${s.className}`}>{s.label}</span>;
}
