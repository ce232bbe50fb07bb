import { beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { resumePoint, sseResponse, type SseEvent } from "./sse";

beforeAll(() => {
  // A failing producer is logged; keep the test output quiet.
  vi.stubEnv("LOG_LEVEL", "silent");
  resetEnvCache();
});

async function* events(list: SseEvent[]): AsyncGenerator<SseEvent> {
  yield* list;
}

describe("sseResponse", () => {
  it("writes retry, then each event with its id in the order asked for, and ends with the producer", async () => {
    const list = [{ event: "log", id: 10, data: { to: 10 } }, { event: "end", data: {} }];
    const after = await sseResponse(() => events(list), { retryMs: 3000, signal: new AbortController().signal }).text();
    expect(after).toBe('retry: 3000\n\nevent: log\nid: 10\ndata: {"to":10}\n\nevent: end\ndata: {}\n\n');
    const before = await sseResponse(() => events(list), { retryMs: 2000, signal: new AbortController().signal, isIdFirst: true }).text();
    expect(before).toBe('retry: 2000\n\nid: 10\nevent: log\ndata: {"to":10}\n\nevent: end\ndata: {}\n\n');
  });

  it("sends the stream headers proxies need", () => {
    const res = sseResponse(() => events([]), { retryMs: 1000, signal: new AbortController().signal });
    expect(Object.fromEntries(res.headers)).toMatchObject({ "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" });
  });

  it("sends keep-alive comments while the producer is quiet, and stops the producer when the client disconnects", async () => {
    const client = new AbortController();
    let producerSignal: AbortSignal | undefined;
    async function* quiet(signal: AbortSignal): AsyncGenerator<SseEvent> {
      producerSignal = signal;
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    }
    const reader = sseResponse(quiet, { retryMs: 1000, signal: client.signal, keepAliveMs: 20 }).body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(": keep-alive\n\n")) text += decoder.decode((await reader.read()).value);
    expect(producerSignal?.aborted).toBe(false);
    client.abort();
    let next = await reader.read();
    while (!next.done) next = await reader.read();
    expect(producerSignal?.aborted).toBe(true);
  });

  it("stops the producer when the reader cancels, and ends the stream when the producer throws", async () => {
    let isStopped = false;
    async function* endless(signal: AbortSignal): AsyncGenerator<SseEvent> {
      try {
        for (let i = 0; !signal.aborted; i++) yield { event: "tick", id: i, data: i };
      } finally {
        isStopped = true;
      }
    }
    const reader = sseResponse(endless, { retryMs: 1000, signal: new AbortController().signal }).body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(isStopped).toBe(true);

    async function* failing(): AsyncGenerator<SseEvent> {
      yield { event: "first", data: 1 };
      throw new Error("the database went away");
    }
    expect(await sseResponse(failing, { retryMs: 1000, signal: new AbortController().signal }).text()).toBe("retry: 1000\n\nevent: first\ndata: 1\n\n");
  });
});

describe("resumePoint", () => {
  it("prefers the Last-Event-ID of a reconnect over the query of a first connection", () => {
    expect(resumePoint(new Request("http://x/s?after=5"), "after")).toBe("5");
    expect(resumePoint(new Request("http://x/s?after=5", { headers: { "last-event-id": "9" } }), "after")).toBe("9");
    expect(resumePoint(new Request("http://x/s"), "after")).toBeNull();
  });
});
