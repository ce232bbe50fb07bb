import type { IncomingMessage, ServerResponse } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env";
import { startPortalServer, type PortalApp, type PortalServer } from "./server";

/** A stand-in for Next: answers with the client address the portal server handed it. */
function stubApp(log: string[]): PortalApp {
  return {
    prepare: async () => void log.push("prepare"),
    close: async () => void log.push("close"),
    getRequestHandler: () => async (req: IncomingMessage, res: ServerResponse) => {
      const body = JSON.stringify({ address: req.headers["x-feedgate-client-address"] ?? null, url: req.url });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    },
  };
}

/** A raw request from `localAddress` to 127.0.0.1, headers exactly as written. */
function get(port: number, localAddress: string, headers: string[] = []): Promise<{ address: string | null; url: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress }, () => {
      socket.write(["GET /api/health HTTP/1.1", `Host: 127.0.0.1:${port}`, "Connection: close", ...headers, "", ""].join("\r\n"));
    });
    let text = "";
    socket.on("data", (c: Buffer) => (text += c.toString()));
    socket.on("error", reject);
    socket.on("end", () => {
      try {
        resolve(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { address: string | null; url: string });
      } catch {
        reject(new Error(`not a JSON answer: ${text.slice(0, 300)}`));
      }
    });
  });
}

describe("the portal server (scripts/server.ts) with a stub app", () => {
  let portal: PortalServer | undefined;
  afterEach(async () => {
    await portal?.close();
    portal = undefined;
  });

  it("creates Next with dev, dir, hostname, port and its own server, prepares it before listening, and closes it", async () => {
    const log: string[] = [];
    let seen: { dev: boolean; dir: string; hostname: string; port: number; isOwnServer: boolean } | undefined;
    portal = await startPortalServer({
      dev: true,
      port: 0,
      trustedProxies: [],
      dir: "/srv/feedgate",
      createApp: (o) => {
        seen = { dev: o.dev, dir: o.dir, hostname: o.hostname, port: o.port, isOwnServer: o.httpServer.listening === false };
        return stubApp(log);
      },
    });
    expect(seen).toEqual({ dev: true, dir: "/srv/feedgate", hostname: "localhost", port: 0, isOwnServer: true });
    expect(log).toEqual(["prepare"]);
    expect(portal.server.listening).toBe(true);
    expect(await get(portal.port, "127.0.0.1")).toEqual({ address: "127.0.0.1", url: "/api/health" });
    await portal.close();
    portal = undefined;
    expect(log).toEqual(["prepare", "close"]);
  });

  it("stamps the socket address on every request, over any client-sent header, unless the peer is a trusted proxy", async () => {
    const { TRUSTED_PROXIES } = parseEnv({ TRUSTED_PROXIES: "::ffff:127.0.0.1" });
    portal = await startPortalServer({ dev: false, port: 0, trustedProxies: TRUSTED_PROXIES, createApp: () => stubApp([]) });
    const forged = ["X-Forwarded-For: 6.6.6.6, 203.0.113.9", "X-Feedgate-Client-Address: 6.6.6.6", "x-feedgate-client-address: 7.7.7.7"];
    // 127.0.0.2 is not a trusted proxy: its headers count for nothing.
    expect((await get(portal.port, "127.0.0.2", forged)).address).toBe("127.0.0.2");
    // 127.0.0.1 is: the right-most forwarded entry that is not a proxy is the client.
    expect((await get(portal.port, "127.0.0.1", forged)).address).toBe("203.0.113.9");
    expect((await get(portal.port, "127.0.0.1")).address).toBe("127.0.0.1");
  });
});
