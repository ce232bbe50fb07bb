/**
 * The groups step of an overage sign-in. The id_token named no groups, so sign-in completed with
 * the person's existing memberships and asked the browser for a Microsoft Graph token; until the
 * browser sends it (or gives up), this cookie tells /signin to let MSAL finish that redirect
 * instead of sending a signed-in person on. It holds nothing but a flag.
 */
import "server-only";
import { isSecureCookie } from "./session-cookie";

export const GROUPS_STEP_COOKIE = "feedgate-groups-step";
const GROUPS_STEP_TTL_SECONDS = 600;

export function groupsStepCookieOptions(maxAge = GROUPS_STEP_TTL_SECONDS) {
  return { httpOnly: true, sameSite: "lax" as const, secure: isSecureCookie(), path: "/", maxAge };
}

export function clearGroupsStepCookie(): string {
  return `${GROUPS_STEP_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;
}
