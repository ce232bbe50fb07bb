import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, clientAddressOf, clientKeyOf, resolveClientAddress, withClientAddress } from "./client-address";
import { parseIpRange, type IpRange } from "./ip-address";

function ranges(...texts: string[]): IpRange[] {
  return texts.map((t) => {
    const r = parseIpRange(t);
    if (!r) throw new Error(`bad range ${t}`);
    return r;
  });
}

describe("resolveClientAddress", () => {
  const proxies = ranges("10.0.0.0/8", "2001:db8:ffff::/48");

  it("is the socket peer whatever the headers say, when the peer is not a trusted proxy", () => {
    expect(resolveClientAddress("198.51.100.7", "1.2.3.4", [])).toBe("198.51.100.7");
    expect(resolveClientAddress("198.51.100.7", "1.2.3.4, 10.0.0.5", proxies)).toBe("198.51.100.7");
    expect(resolveClientAddress("::ffff:198.51.100.7", undefined, proxies)).toBe("198.51.100.7");
    expect(resolveClientAddress("2001:db8::9", ["1.2.3.4"], proxies)).toBe("2001:db8::9");
  });

  it("behind trusted proxies, is the right-most X-Forwarded-For entry that is not itself a trusted proxy", () => {
    // The client forged "6.6.6.6"; the edge proxy appended the address it saw.
    expect(resolveClientAddress("10.0.0.5", "6.6.6.6, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.5", "6.6.6.6, 203.0.113.9, 10.1.1.1, 10.2.2.2", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("::ffff:10.0.0.5", ["6.6.6.6", "203.0.113.9"], proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("2001:db8:ffff::1", "2001:db8:1::5", proxies)).toBe("2001:db8:1::5");
    expect(resolveClientAddress("10.0.0.5", "::ffff:203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.5", "203.0.113.9:51234", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.5", "[2001:db8:1::5]:443", proxies)).toBe("2001:db8:1::5");
  });

  it("stops at the hop that wrote an entry that is not an address, and uses the left-most hop when all are trusted", () => {
    expect(resolveClientAddress("10.0.0.5", "203.0.113.9, garbage", proxies)).toBe("10.0.0.5");
    expect(resolveClientAddress("10.0.0.5", "203.0.113.9, garbage, 10.0.0.9", proxies)).toBe("10.0.0.9");
    expect(resolveClientAddress("10.0.0.5", "10.3.3.3, 10.0.0.9", proxies)).toBe("10.3.3.3");
    expect(resolveClientAddress("10.0.0.5", undefined, proxies)).toBe("10.0.0.5");
    expect(resolveClientAddress("10.0.0.5", " , ", proxies)).toBe("10.0.0.5");
  });

  it("is unknown without a socket address", () => {
    expect(resolveClientAddress(undefined, "1.2.3.4", proxies)).toBe("unknown");
  });
});

describe("clientAddressOf and clientKeyOf", () => {
  it("reads only the portal server's header, and is unknown without it", () => {
    expect(clientAddressOf(new Headers({ [CLIENT_ADDRESS_HEADER]: "203.0.113.9", "x-forwarded-for": "1.1.1.1" }))).toBe("203.0.113.9");
    expect(clientAddressOf(new Headers({ "x-forwarded-for": "1.1.1.1", "x-real-ip": "1.1.1.1" }))).toBe("unknown");
  });

  it("counts IPv4 by address and IPv6 by its /64", () => {
    expect(clientKeyOf("203.0.113.9")).toBe("203.0.113.9");
    expect(clientKeyOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKeyOf("2001:db8:1:2:bbbb::9")).toBe("2001:db8:1:2::/64");
    expect(clientKeyOf("unknown")).toBe("unknown");
  });
});

/**
 * The portal server's header handling over real sockets: a stub app behind withClientAddress
 * echoes what it was given, and clients bind to 127.0.0.1 or 127.0.0.2 to be two addresses.
 */
describe("withClientAddress over real sockets", () => {
  const servers: Server[] = [];

  async function serve(trusted: IpRange[], host: string): Promise<number> {
    const server = createServer(
      withClientAddress(trusted, (req: IncomingMessage, res) => {
        const copies = req.rawHeaders.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === CLIENT_ADDRESS_HEADER ? [req.rawHeaders[i + 1] ?? ""] : []));
        const body = JSON.stringify({ address: req.headers[CLIENT_ADDRESS_HEADER], copies });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      }),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A raw HTTP/1.1 request from `localAddress`, so repeated and oddly cased headers go out exactly as written. */
  function get(port: number, host: string, localAddress: string, headers: [string, string][] = []): Promise<{ address: string; copies: string[] }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, localAddress }, () => {
        const lines = ["GET / HTTP/1.1", `Host: ${host}:${port}`, "Connection: close", ...headers.map(([k, v]) => `${k}: ${v}`)];
        socket.write(`${lines.join("\r\n")}\r\n\r\n`);
      });
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("error", reject);
      socket.on("end", () => {
        try {
          resolve(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { address: string; copies: string[] });
        } catch {
          reject(new Error(`not a JSON answer: ${text.slice(0, 300)}`));
        }
      });
    });
  }

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  let plain = 0;
  let behindProxy = 0;
  let dualStack = 0;
  beforeAll(async () => {
    plain = await serve([], "127.0.0.1");
    behindProxy = await serve(ranges("127.0.0.1"), "127.0.0.1");
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; the trusted entry is written that way too.
    dualStack = await serve(ranges("::ffff:127.0.0.1"), "::");
  });

  it("without trusted proxies, every client is its socket address whatever it sends", async () => {
    const forged: [string, string][] = [
      ["X-Forwarded-For", "6.6.6.6"],
      ["X-Feedgate-Client-Address", "6.6.6.6"],
      ["x-feedgate-client-address", "7.7.7.7"],
      ["X-Real-IP", "8.8.8.8"],
    ];
    expect(await get(plain, "127.0.0.1", "127.0.0.2", forged)).toEqual({ address: "127.0.0.2", copies: ["127.0.0.2"] });
    expect(await get(plain, "127.0.0.1", "127.0.0.1", forged)).toEqual({ address: "127.0.0.1", copies: ["127.0.0.1"] });
  });

  it("reads X-Forwarded-For only from a trusted proxy's socket", async () => {
    const xff: [string, string][] = [["X-Forwarded-For", "6.6.6.6, 203.0.113.9"]];
    expect((await get(behindProxy, "127.0.0.1", "127.0.0.1", xff)).address).toBe("203.0.113.9");
    expect((await get(behindProxy, "127.0.0.1", "127.0.0.2", xff)).address).toBe("127.0.0.2");
    // Two X-Forwarded-For lines read as one list, in order.
    const twoLines: [string, string][] = [
      ["X-Forwarded-For", "6.6.6.6"],
      ["X-Forwarded-For", "203.0.113.10"],
    ];
    expect((await get(behindProxy, "127.0.0.1", "127.0.0.1", twoLines)).address).toBe("203.0.113.10");
  });

  it("normalizes IPv4-mapped peers of a dual-stack listener and matches them against the trusted list", async () => {
    const xff: [string, string][] = [["X-Forwarded-For", "203.0.113.9"], ["X-Feedgate-Client-Address", "6.6.6.6"]];
    expect(await get(dualStack, "127.0.0.1", "127.0.0.1", xff)).toEqual({ address: "203.0.113.9", copies: ["203.0.113.9"] });
    expect(await get(dualStack, "127.0.0.1", "127.0.0.2", xff)).toEqual({ address: "127.0.0.2", copies: ["127.0.0.2"] });
  });
});
