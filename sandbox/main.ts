import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AmlState } from "./aml/aml-state";
import { datastoreContainer, registerAmlRoutes } from "./aml/aml-service";
import { createDataPlaneRouter } from "./aml/data-plane";
import { registerArmRoutes } from "./arm/arm-service";
import { ArmState, armError } from "./arm/arm-state";
import type { EngineOptions } from "./arm/deployment-engine";
import { enrichResource, linkChildResource } from "./arm/resource-types";
import { adoError, createArtifactsService } from "./artifacts/artifacts-service";
import { startAzurite } from "./blob/azurite";
import { SandboxBlobAccess } from "./blob/blob-rest";
import { FaultStore } from "./core/faults";
import { Router, type SandboxRequest, type SandboxResponse, type SandboxServer, startSandboxServer } from "./core/http";
import { RequestRecorder } from "./core/recorder";
import { ensureSandboxCa, loadSandboxTls } from "./core/tls";
import { createNexusService, nexusMessage } from "./nexus/nexus-service";
import { generateUpstream } from "./packages/upstream";

export { ensureSandboxCa } from "./core/tls";

export type SandboxEndpoints = {
  arm: string;
  aml: string;
  amlDataPlane: string;
  nexus: string;
  nexusAdminPasswordFile: string;
  artifacts: string;
  artifactsPatFile: string;
  blob: string;
  caCertFile: string;
};

export type SandboxPace = {
  /** Time each deployed resource spends in Accepted and in Running (ms). */
  armStepMs: number;
  /** Time an image build spends in Queued, GettingOrProvisioningACR and per log chunk (ms). */
  buildStepMs: number;
};

export type SandboxOptions = {
  /** Where endpoints.json, the Nexus admin.password, faults.json and (by default) the CA live. */
  dataDir?: string;
  /** Directory holding the CA (tls/ca.pem); defaults to dataDir. Tests share one CA across sandboxes. */
  caDir?: string;
  /** Fixed ports (0 or omitted = ephemeral). */
  ports?: Partial<Record<"arm" | "aml" | "amlDataPlane" | "nexus" | "artifacts" | "blob", number>>;
  pace?: Partial<SandboxPace>;
  /** Page size for AML list operations without $top. */
  pageSize?: number;
  /** Maximum number of recorded requests kept in memory. */
  recorderCapacity?: number;
  /** Write <dataDir>/endpoints.json (default true). */
  writeEndpointsFile?: boolean;
};

export type RunningSandbox = {
  endpoints: SandboxEndpoints;
  nexusAdminPassword: string;
  artifactsPat: string;
  blobConnectionString: string;
  recorder: RequestRecorder;
  faults: FaultStore;
  pace: SandboxPace;
  /** Resolves when every deployment and image build started so far has settled (hanging builds excluded). */
  close: () => Promise<void>;
};

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const dataDir = path.resolve(options.dataDir ?? "data/sandbox");
  mkdirSync(dataDir, { recursive: true });
  const tls = loadSandboxTls(options.caDir ?? dataDir);
  const pace: SandboxPace = { armStepMs: options.pace?.armStepMs ?? 1500, buildStepMs: options.pace?.buildStepMs ?? 1500 };
  const recorder = new RequestRecorder(options.recorderCapacity ?? 2000);
  const faults = new FaultStore();
  faults.watchFile(path.join(dataDir, "faults.json"));
  const ports = options.ports ?? {};
  const closers: (() => Promise<void>)[] = [];

  try {
    const upstream = await generateUpstream();
    const azurite = await startAzurite({ certFile: tls.serverCertFile, keyFile: tls.serverKeyFile, port: ports.blob });
    closers.push(azurite.close);
    const blob = new SandboxBlobAccess(azurite.accountUrl, tls.ca);

    const arm = new ArmState();
    const aml = new AmlState();
    const endpointsRef: { dataPlane: string; nexusPort: number; artifactsPort: number } = { dataPlane: "", nexusPort: 0, artifactsPort: 0 };
    const engine: EngineOptions = {
      state: arm,
      faults,
      stepMs: () => pace.armStepMs,
      enrichResource: (r) => enrichResource(r, arm, endpointsRef.dataPlane),
      onResourceCreated: async (r) => {
        linkChildResource(r, arm);
        if (r.type.toLowerCase() === "microsoft.machinelearningservices/workspaces") await blob.createContainer(datastoreContainer(r));
      },
    };
    const armRouter = new Router();
    registerAmlRoutes(armRouter, { arm, aml, defaultPageSize: () => options.pageSize ?? 20 });
    registerArmRoutes(armRouter, engine);
    const armAuthorize = (req: SandboxRequest): SandboxResponse | undefined => {
      if (!/^bearer \S+/i.test(req.headers.authorization ?? "")) return armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
      if (!req.url.searchParams.get("api-version")) return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
      return undefined;
    };
    const armFault = (status: number): SandboxResponse => armError(status, status === 429 ? "TooManyRequests" : status === 503 ? "ServiceUnavailable" : "InternalServerError", status === 429 ? "The request is being throttled." : "The server encountered an internal error. Please retry the request.");
    const servers: SandboxServer[] = [];
    const paceAdmin = (method: string, adminPath: string, body: Buffer): SandboxResponse | undefined => {
      if (adminPath !== "/_sandbox/pace") return undefined;
      if (method === "GET") return { status: 200, json: pace };
      if (method !== "PUT" && method !== "POST") return { status: 405 };
      const parsed = paceSchema.safeParse(safeJson(body));
      if (!parsed.success) return { status: 400, json: { error: z.prettifyError(parsed.error) } };
      Object.assign(pace, parsed.data);
      return { status: 200, json: pace };
    };
    const start = async (service: string, router: Router, port: number | undefined, extra: Partial<Parameters<typeof startSandboxServer>[0]> = {}): Promise<SandboxServer> => {
      const server = await startSandboxServer({ service, tls, router, recorder, faults, port, admin: paceAdmin, ...extra });
      servers.push(server);
      closers.push(server.close);
      return server;
    };
    const armServer = await start("arm", armRouter, ports.arm, { authorize: armAuthorize, faultBody: armFault });
    const amlServer = await start("aml", armRouter, ports.aml, { authorize: armAuthorize, faultBody: armFault });

    const nexusPassword = randomBytes(18).toString("base64url");
    const nexus = createNexusService(upstream, nexusPassword);
    const nexusServer = await start("nexus", nexus.router, ports.nexus, { faultBody: (status) => nexusMessage(status, status === 429 ? "Too Many Requests" : "Service Unavailable") });
    endpointsRef.nexusPort = nexusServer.port;

    const artifactsPat = randomBytes(26).toString("base64url");
    const artifacts = createArtifactsService(upstream, artifactsPat);
    const artifactsServer = await start("artifacts", artifacts.router, ports.artifacts, { faultBody: (status) => adoError(status, status === 429 ? "TooManyRequestsException" : "ServiceUnavailableException", "The service is temporarily unavailable.") });
    endpointsRef.artifactsPort = artifactsServer.port;

    const resolveOrigin = (url: URL): string | undefined => {
      const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
      const local = url.hostname === "127.0.0.1" || url.hostname === "localhost";
      if (local && url.protocol === "https:" && (port === nexusServer.port || port === artifactsServer.port)) return `https://127.0.0.1:${port}`;
      // The Nexus VM's private IP (from its NIC) on Nexus' default port reaches the sandbox Nexus.
      if (port === 8081 && privateIps(arm).has(url.hostname)) return nexusServer.url;
      return undefined;
    };
    const dataPlane = createDataPlaneRouter({ arm, aml, faults, blob, ca: tls.ca, stepMs: () => pace.buildStepMs, resolveOrigin });
    const dataPlaneServer = await start("amlDataPlane", dataPlane.router, ports.amlDataPlane, {
      authorize: (req) => (/^bearer \S+/i.test(req.headers.authorization ?? "") ? undefined : { status: 401, json: { error: { code: "UserError", message: "Authorization header is missing or invalid." } } }),
      faultBody: armFault,
    });
    endpointsRef.dataPlane = dataPlaneServer.url;

    const nexusDir = path.join(dataDir, "nexus");
    mkdirSync(nexusDir, { recursive: true });
    const nexusAdminPasswordFile = path.join(nexusDir, "admin.password");
    writeFileSync(nexusAdminPasswordFile, nexusPassword, { mode: 0o600 });
    const artifactsPatFile = path.join(dataDir, "artifacts.pat");
    writeFileSync(artifactsPatFile, artifactsPat, { mode: 0o600 });

    const endpoints: SandboxEndpoints = {
      arm: armServer.url,
      aml: amlServer.url,
      amlDataPlane: dataPlaneServer.url,
      nexus: nexusServer.url,
      nexusAdminPasswordFile,
      artifacts: artifactsServer.url,
      artifactsPatFile,
      blob: azurite.accountUrl,
      caCertFile: tls.caCertFile,
    };
    if (options.writeEndpointsFile !== false) writeFileSync(path.join(dataDir, "endpoints.json"), `${JSON.stringify(endpoints, null, 2)}\n`);

    let closed = false;
    return {
      endpoints,
      nexusAdminPassword: nexusPassword,
      artifactsPat,
      blobConnectionString: azurite.connectionString,
      recorder,
      faults,
      pace,
      close: async () => {
        if (closed) return;
        closed = true;
        faults.stop();
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    faults.stop();
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

const paceSchema = z.object({ armStepMs: z.number().int().min(0).max(600_000).optional(), buildStepMs: z.number().int().min(0).max(600_000).optional() });

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function privateIps(arm: ArmState): Set<string> {
  const ips = new Set<string>();
  for (const r of arm.resources.values()) {
    if (r.type.toLowerCase() !== "microsoft.network/networkinterfaces") continue;
    const configs = Array.isArray(r.properties.ipConfigurations) ? r.properties.ipConfigurations : [];
    for (const c of configs) {
      const ip = typeof c === "object" && c !== null && "properties" in c ? (c as { properties?: { privateIPAddress?: unknown } }).properties?.privateIPAddress : undefined;
      if (typeof ip === "string") ips.add(ip);
    }
  }
  return ips;
}

function isMainModule(): boolean {
  const entry = process.argv[1] ?? "";
  return /sandbox[\\/]main\.(ts|js|mjs|cjs)$/.test(entry);
}

if (isMainModule()) {
  const dataDir = process.env.SANDBOX_DATA_DIR ?? "data/sandbox";
  ensureSandboxCa(dataDir);
  startSandbox({ dataDir })
    .then((sandbox) => {
      process.stdout.write(`${JSON.stringify(sandbox.endpoints)}\n`);
      const stop = (): void => {
        void sandbox.close().then(() => process.exit(0));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    })
    .catch((error: unknown) => {
      process.stderr.write(`sandbox failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
