import "server-only";
import { redirect } from "next/navigation";
import type { ActingUser } from "./acting-user";
import { getCurrentUser } from "./require-user";

/** For pages: the signed-in user, or a redirect to /signin (the layout normally got there first). */
export async function requirePageUser(): Promise<ActingUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/signin");
  return user;
}
