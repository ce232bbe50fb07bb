import "server-only";
import { cookies } from "next/headers";
import { openSession, sessionCookieName, type SessionPayload } from "./session-cookie";

/** The session of the current request (server components and server actions). */
export async function getSession(): Promise<SessionPayload | null> {
  const store = await cookies();
  return (await openSession(store.get(sessionCookieName())?.value))?.session ?? null;
}

/** The session carried by a route handler's request. */
export async function getSessionFromRequest(request: Request): Promise<SessionPayload | null> {
  return (await openSession(readCookie(request.headers.get("cookie"), sessionCookieName())))?.session ?? null;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return safeDecode(part.slice(i + 1).trim());
  }
  return undefined;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed cookie is no session, not a server error.
    return undefined;
  }
}
