import "server-only";
import { env } from "@/lib/env";
import { RateLimiter } from "@/lib/http/rate-limit";

/** Shared by the nonce and token-exchange routes: both are steps of one sign-in, so they share one count. */
export const signInRateLimiter = new RateLimiter({ name: "sign-in", perMinute: () => env.SIGN_IN_RATE_LIMIT_PER_MINUTE });
