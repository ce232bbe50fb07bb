import { AppError } from "@/lib/errors";

/** An id_token that failed verification. `reason` is for the audit trail, not for the browser. */
export class TokenRejectedError extends AppError {
  constructor(readonly reason: string) {
    super("invalid_token", "Sign-in failed: the identity token could not be verified. Try signing in again.");
  }
}
