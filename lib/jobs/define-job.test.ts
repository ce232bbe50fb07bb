import { describe, expect, it } from "vitest";
import { defineJob, StepWait, type StepContext } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";

describe("defineJob", () => {
  it("rejects definitions a worker could not run", () => {
    expect(() => defineJob({ kind: "k", steps: [] })).toThrow(/at least one step/);
    const run = async () => undefined;
    expect(() => defineJob({ kind: "k", steps: [{ name: "a", run }, { name: "a", run }] })).toThrow(/duplicate step "a"/);
    expect(() => defineJob({ kind: "k", steps: [{ name: "a", maxAttempts: 0, run }] })).toThrow(/maxAttempts/);
    expect(defineJob({ kind: "k", steps: [{ name: "a", run }] }).steps[0]?.maxAttempts).toBe(5);
  });

  it("validates the payload with the given schema and fails permanently when it does not fit", async () => {
    const schema = {
      parse(input: unknown): { requestId: string } {
        if (typeof input === "object" && input !== null && typeof (input as { requestId?: unknown }).requestId === "string") {
          return input as { requestId: string };
        }
        throw new Error("requestId missing");
      },
    };
    const definition = defineJob({ kind: "k", payload: schema, steps: [{ name: "a", run: async (ctx) => ({ id: ctx.payload.requestId }) }] });
    const ctx = (payload: unknown) =>
      ({ payload, waitFor: (ms: number) => new StepWait(ms) }) as unknown as StepContext<unknown>;
    await expect(definition.steps[0]!.run(ctx({ requestId: "r1" }))).resolves.toEqual({ id: "r1" });
    await expect(definition.steps[0]!.run(ctx({}))).rejects.toBeInstanceOf(PermanentStepError);
  });
});
