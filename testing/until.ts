/**
 * Waits for observable state (a row's status, an answer), polling every 50 ms; the deadline is a
 * generous backstop only, never the schedule of a test step. `what` may be a function, read only
 * on timeout, to say what state the wait ended in.
 */
export async function until<T>(what: string | (() => string), probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
