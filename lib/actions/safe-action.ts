import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { createSafeActionClient } from "next-safe-action";
import { z } from "zod";
import { requireRole } from "@/lib/auth/require-role";
import { requireUser } from "@/lib/auth/require-user";
import { ROLES } from "@/lib/auth/roles";
import { FieldError, isAppError } from "@/lib/errors";
import { correlationIdOf } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { getLogger } from "@/lib/logger";

/** What a failed action returns as `serverError`: the status a REST call would get, and text meant for people. */
export interface ActionError {
  code: string;
  status: number;
  message: string;
  correlationId: string;
  /** Per-field messages when the input was refused field by field (FieldError). */
  fields?: Record<string, string>;
}

/**
 * The one action client. Every action declares the roles that may call it in metadata; the
 * middleware re-checks origin, session and role on each call, so calling the action directly
 * (without the UI) gets exactly the same answer as the UI would.
 */
export const actionClient = createSafeActionClient({
  defineMetadataSchema: () => z.object({ action: z.string(), roles: z.array(z.enum(ROLES)).min(1) }),
  handleServerError: (error, { ctx }): ActionError => {
    const correlationId = "correlationId" in ctx && typeof ctx.correlationId === "string" ? ctx.correlationId : randomUUID();
    if (error instanceof FieldError) return { code: error.code, status: error.status, message: error.message, correlationId, fields: error.fields };
    if (isAppError(error)) return { code: error.code, status: error.status, message: error.message, correlationId };
    getLogger().error({ err: error, correlationId }, "server action failed");
    return { code: "internal", status: 500, message: "Something went wrong on our side. Quote the correlation id if you contact the platform team.", correlationId };
  },
})
  .use(async ({ next }) => next({ ctx: { correlationId: correlationIdOf(await headers()) } }))
  .use(async ({ next, metadata }) => {
    assertSameOrigin(await headers());
    const user = await requireUser();
    requireRole(user, ...metadata.roles);
    return next({ ctx: { user } });
  });
