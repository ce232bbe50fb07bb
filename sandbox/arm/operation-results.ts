import { randomUUID } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "../core/http";

/**
 * ARM's `Location`-header long-running operations (`/subscriptions/{s}/operationresults/{id}`):
 * resource group delete, what-if, resource group export. Each poll answers 202 + Retry-After
 * while the operation runs and its final response once it is done.
 */
export type OperationPoll = () => { done: false; retryAfterMs: number } | { done: true; response: SandboxResponse };

export class OperationResults {
  private readonly operations = new Map<string, { poll: OperationPoll; location: string }>();

  /** Registers an operation; answers the 202 that starts it (absolute Location, Retry-After). */
  start(req: SandboxRequest, poll: OperationPoll, retryAfterMs: number): SandboxResponse {
    // ARM's ids are opaque base64 tokens; a UUID without dashes serves the same purpose.
    const id = randomUUID().replace(/-/g, "").toUpperCase();
    const sub = req.params.sub ?? "";
    const version = req.url.searchParams.get("api-version") ?? "";
    const location = `${req.baseUrl}/subscriptions/${sub}/operationresults/${id}?api-version=${version}`;
    this.operations.set(id, { poll, location });
    // Bounded: the oldest operation results are forgotten (their polls then answer as finished).
    if (this.operations.size > 1000) this.operations.delete(this.operations.keys().next().value ?? "");
    return { status: 202, headers: { location, "retry-after": retryAfterSeconds(retryAfterMs) } };
  }

  /** GET of an operation's Location. An id the sandbox does not know (e.g. from before a restart) answers 200 with no body, as a finished delete does. */
  poll(id: string): SandboxResponse {
    const operation = this.operations.get(id.toUpperCase());
    if (!operation) return { status: 200 };
    const state = operation.poll();
    if (!state.done) return { status: 202, headers: { location: operation.location, "retry-after": retryAfterSeconds(state.retryAfterMs) } };
    return state.response;
  }
}

/**
 * Whole seconds, at least 1, as ARM sends it. Never 0: azure-core (Python) treats `Retry-After: 0`
 * as absent and falls back to its 30 s default interval, so the Azure CLI would stall.
 */
function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.round(ms / 1000)));
}
