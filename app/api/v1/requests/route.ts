import { z } from "zod";
import { FeedRequestStatus } from "@/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/api-route";
import { listRequests } from "@/lib/requests/list-requests";
import { saveDraft } from "@/lib/requests/save-draft";
import { wizardStateSchema } from "@/lib/validation/request-wizard";

export const dynamic = "force-dynamic";

const statusFilter = z.enum(FeedRequestStatus).optional();

/** GET ?status= — requests of the caller's teams (drafts only their own). */
export const GET = apiRoute({}, async ({ db, user, searchParams }) => {
  const status = statusFilter.safeParse(searchParams.get("status") ?? undefined);
  if (!status.success) throw new AppError("invalid_input", "Unknown status filter.");
  return { requests: await listRequests(db, user, { status: status.data }) };
});

/** POST { ...wizard state } — creates a draft; the answer lists what submit would refuse. */
export const POST = apiRoute({ body: wizardStateSchema, status: 201 }, async ({ db, user, body, correlationId }) => saveDraft(db, user, { state: body }, correlationId));
