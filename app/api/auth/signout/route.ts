import { NextResponse } from "next/server";
import { getSessionFromRequest } from "@/lib/auth/get-session";
import { sessionCookieName, sessionCookieOptions } from "@/lib/auth/session-cookie";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

/** Ends the Feedgate session; the page then asks MSAL to end the identity provider's session too. */
export async function POST(request: Request) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const session = await getSessionFromRequest(request);
    if (session) {
      await recordAuditEvent(getDb(), { actorId: session.oid, actorName: session.name, action: "auth.sign_out", targetType: "user", targetId: session.uid, correlationId });
    }
    const res = new NextResponse(null, { status: 204, headers: { "Cache-Control": "no-store" } });
    res.cookies.set(sessionCookieName(), "", { ...sessionCookieOptions(), maxAge: 0 });
    return res;
  });
}
