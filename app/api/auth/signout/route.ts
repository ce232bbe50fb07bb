import { NextResponse } from "next/server";
import { z } from "zod";
import { getSessionFromRequest } from "@/lib/auth/get-session";
import { requireUser } from "@/lib/auth/require-user";
import { sessionCookieName, sessionCookieOptions } from "@/lib/auth/session-cookie";
import { AppError } from "@/lib/errors";
import { publicRoute } from "@/lib/http/api-route";
import { endAllSessions, endSession } from "@/lib/sessions/end-session";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ everywhere: z.boolean().optional() }).strict();

/**
 * Ends the Feedgate session: its Session row is revoked, so a copy of the cookie stops working
 * too, and the cookie is cleared. `{ "everywhere": true }` ends every live session of the
 * signed-in person instead (it needs a live session: an ended one cannot end the others). The
 * page then asks MSAL to end the identity provider's session too.
 */
export const POST = publicRoute(async ({ request, db, correlationId }) => {
  const body = bodySchema.safeParse(await readOptionalJson(request));
  if (!body.success) throw new AppError("invalid_input", "Send no body, or { \"everywhere\": true }.");
  let res: NextResponse;
  if (body.data.everywhere) {
    const user = await requireUser(request);
    const result = await endAllSessions(db, user, user.id, { correlationId });
    res = NextResponse.json({ revoked: result.revoked });
  } else {
    const session = await getSessionFromRequest(request);
    if (session) await endSession(db, session, { correlationId });
    res = new NextResponse(null, { status: 204 });
  }
  res.cookies.set(sessionCookieName(), "", { ...sessionCookieOptions(), maxAge: 0 });
  return res;
});

async function readOptionalJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
