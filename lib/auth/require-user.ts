import "server-only";
import { cache } from "react";
import { getDb } from "@/lib/db/client";
import { UnauthenticatedError } from "@/lib/errors";
import { loadActingUser, type ActingUser } from "./acting-user";
import { getSession, getSessionFromRequest } from "./get-session";

/** The signed-in user of this server component or server action, or null; read once per render. */
export const getCurrentUser = cache(async (): Promise<ActingUser | null> => {
  const session = await getSession();
  return session ? loadActingUser(getDb(), session) : null;
});

/** The signed-in user; throws UnauthenticatedError (401) otherwise. Pass the Request in route handlers. */
export async function requireUser(request?: Request): Promise<ActingUser> {
  const session = request ? await getSessionFromRequest(request) : await getSession();
  const user = session ? await loadActingUser(getDb(), session) : null;
  if (!user) throw new UnauthenticatedError();
  return user;
}
