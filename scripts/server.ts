/**
 * The portal's HTTP server: Next.js through its custom-server API (`next({ dev, dir, hostname,
 * port })`, `getRequestHandler()`), behind one step of our own. Route handlers cannot see the
 * socket, and `next start` passes client-sent headers through, so this server decides who the
 * client is from the socket and TRUSTED_PROXIES (lib/http/client-address.ts) and hands the
 * answer to the app in X-Feedgate-Client-Address, after removing any client-sent copy.
 *   tsx scripts/server.ts         serve the production build (`next build` first)
 *   tsx scripts/server.ts --dev   development
 * scripts/start.ts starts it after migrations and seeding; PORT and TRUSTED_PROXIES come from lib/env.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { ConfigError, parseEnv } from "../lib/env";
import { withClientAddress } from "../lib/http/client-address";
import type { IpRange } from "../lib/http/ip-address";

/** The part of a Next.js custom server this one uses; tests pass a stub. */
export interface PortalApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}

export interface PortalServerOptions {
  dev: boolean;
  port: number;
  trustedProxies: readonly IpRange[];
  /** The project folder (where .next and next.config.js are). */
  dir?: string;
  /** Listen address; every interface (IPv4 and IPv6) when unset, like `next start`. */
  listenHost?: string;
  createApp?: (options: { dev: boolean; dir: string; hostname: string; port: number; httpServer: Server }) => PortalApp;
}

export interface PortalServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Prepares the app, then listens; resolves once requests are being served. */
export async function startPortalServer(options: PortalServerOptions): Promise<PortalServer> {
  const dir = options.dir ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  // Replaced by Next's handler before the server listens.
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => void res.writeHead(503).end();
  const server = createServer(withClientAddress(options.trustedProxies, (req, res) => handle(req, res)));
  const createApp = options.createApp ?? ((o) => next(o) as PortalApp);
  // httpServer lets Next attach its development websocket (HMR) to this server.
  const app = createApp({ dev: options.dev, dir, hostname: "localhost", port: options.port, httpServer: server });
  await app.prepare();
  handle = app.getRequestHandler();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.listenHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.close();
    },
  };
}

async function main() {
  const isDev = process.argv.includes("--dev");
  const env = parseEnv();
  const portal = await startPortalServer({ dev: isDev, port: env.PORT, trustedProxies: env.TRUSTED_PROXIES });
  console.log(`feedgate: portal listening on port ${portal.port}${env.TRUSTED_PROXIES.length ? `, trusting X-Forwarded-For from ${env.TRUSTED_PROXIES.length} proxy range(s)` : ""}`);
  let isStopping = false;
  const stop = () => {
    if (isStopping) return;
    isStopping = true;
    // In-flight requests get a moment to finish; long-lived streams do not hold shutdown up.
    setTimeout(() => process.exit(0), 5_000).unref();
    portal.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `feedgate: portal server failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
