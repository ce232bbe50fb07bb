import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createYankedReader } from "./yanked-packages";

// A PEP 503 index without PEP 691 (HTML only), as some Nexus versions serve, and one that is down.
const PAGES: Record<string, string> = {
  "/simple/tinyml/": [
    '<a href="../../packages/tinyml-0.3.0-py3-none-any.whl#sha256=aa" data-yanked="Broken &lt;wheel&gt;">tinyml-0.3.0-py3-none-any.whl</a>',
    '<a href="../../packages/tinyml-0.3.0.tar.gz#sha256=bb" data-yanked="Broken &lt;wheel&gt;">tinyml-0.3.0.tar.gz</a>',
    '<a href="../../packages/tinyml-0.4.0-py3-none-any.whl#sha256=cc" data-yanked>tinyml-0.4.0-py3-none-any.whl</a>',
    '<a href="../../packages/tinyml-0.4.0.tar.gz#sha256=dd">tinyml-0.4.0.tar.gz</a>',
    '<a href="../../packages/tinyml-0.5.0-py3-none-any.whl#sha256=ee" data-yanked>tinyml-0.5.0-py3-none-any.whl</a>',
  ].join("<br/>\n"),
  "/simple/tiny-config/": '<a href="../../packages/tiny_config-2.1.0-py3-none-any.whl#sha256=ff">tiny_config-2.1.0-py3-none-any.whl</a>',
};

let server: Server;
let base = "";
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    const page = PAGES[req.url ?? ""];
    if (req.url?.startsWith("/down/")) {
      res.writeHead(503).end();
      return;
    }
    if (!page) {
      res.writeHead(404, { "content-type": "text/html" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!DOCTYPE html><html><body>\n${page}\n</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("yanked releases from a pip index", () => {
  it("flags a pinned release only when every one of its files is yanked, with the reason", async () => {
    const reader = createYankedReader();
    expect(await reader.reasonsFor(`${base}/simple/`, ["tinyml==0.3.0", "Tiny_Config==2.1.0"])).toEqual([{ kind: "yanked", subject: "tinyml", detail: "tinyml==0.3.0 was yanked upstream: Broken <wheel>" }]);
    expect(await reader.reasonsFor(`${base}/simple`, ["tinyml==0.4.0"])).toEqual([]);
    expect(await reader.reasonsFor(`${base}/simple/`, ["tinyml==0.5.0"])).toEqual([{ kind: "yanked", subject: "tinyml", detail: "tinyml==0.5.0 was yanked upstream." }]);
    // A package the index does not have is not yanked; one read per project per round.
    expect(await reader.reasonsFor(`${base}/simple/`, ["tinyother==1.0"])).toEqual([]);
    expect(seen.filter((u) => u === "/simple/tinyml/")).toHaveLength(1);
  });

  it("says unknown (undefined) for an index that does not answer, and asks a failed origin once per round", async () => {
    const reader = createYankedReader();
    seen.length = 0;
    expect(await reader.reasonsFor(`${base}/down/`, ["tinyml==0.3.0", "tiny-config==2.1.0"])).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(await reader.reasonsFor("ftp://127.0.0.1/simple/", ["tinyml==0.3.0"])).toBeUndefined();
    expect(await reader.reasonsFor("https://user:pw@127.0.0.1/simple/", ["tinyml==0.3.0"])).toBeUndefined();
  });

  it("stops reading after maxReads distinct projects", async () => {
    const reader = createYankedReader({ maxReads: 1 });
    expect(await reader.reasonsFor(`${base}/simple/`, ["tiny-config==2.1.0"])).toEqual([]);
    expect(await reader.reasonsFor(`${base}/simple/`, ["tinyml==0.3.0"])).toBeUndefined();
  });
});
