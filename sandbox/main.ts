import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { SANDBOX_SUBSCRIPTION_ID, SandboxEndpointsFile } from "@/lib/cloud/cloud";
import { DEMO_TENANT_ID } from "@/prisma/demo-data";
import { AmlState, type AmlSnapshot, type ImageBuild } from "./aml/aml-state";
import { datastoreContainer, registerAmlRoutes } from "./aml/aml-service";
import { createDataPlaneRouter } from "./aml/data-plane";
import { RegistryState, registerRegistryRoutes, seedRegistries, type RegistrySnapshot } from "./aml/registries";
import { isUnauthenticatedArmPath, registerArmDirectoryRoutes } from "./arm/arm-metadata";
import { registerArmRoutes } from "./arm/arm-service";
import { armPreflight } from "./arm/preflight";
import { ArmState, armError, type ArmSnapshot } from "./arm/arm-state";
import type { EngineOptions } from "./arm/deployment-engine";
import { enrichResource, linkChildResource } from "./arm/resource-types";
import { seedExistingWorkspaces } from "./arm/seed-workspaces";
import { adoError, createArtifactsService, type ArtifactsState } from "./artifacts/artifacts-service";
import { startAzurite } from "./blob/azurite";
import { SandboxBlobAccess } from "./blob/blob-rest";
import { FaultStore } from "./core/faults";
import { Router, SandboxPortInUseError, type SandboxRequest, type SandboxResponse, type SandboxServer, startSandboxServer } from "./core/http";
import { SANDBOX_PORT_VARIABLES, SANDBOX_SERVICES, portInUseMessage, type SandboxService } from "./core/ports";
import { RequestRecorder } from "./core/recorder";
import { SnapshotWriter, readSnapshotFile } from "./core/snapshot";
import { ensureSandboxCa, loadSandboxTls } from "./core/tls";
import { SecretValueMaskingRecorder, createKeyVaultService, type KeyVaultState } from "./keyvault/keyvault-service";
import { SANDBOX_VAULT } from "./keyvault/sandbox-vault";
import { createNexusService, nexusMessage, nexusUnrouted, type NexusState } from "./nexus/nexus-service";
import { generateUpstream, type Upstream } from "./packages/upstream";
import { normalizeProjectName } from "./packages/versions";
import { ContainerRegistryState, createContainerRegistryRouter, registryError, type ContainerRegistrySnapshot } from "./registry/container-registry";
import { createIdentityService, type IdentityService } from "./identity/identity-service";

export { ensureSandboxCa } from "./core/tls";
export { SANDBOX_PORT_VARIABLES, SANDBOX_SERVICES, type SandboxService } from "./core/ports";

/** The subscription Feedgate's sandbox mode deploys into (lib/cloud, which is server-only; the type keeps the two equal). */
const FEEDGATE_SUBSCRIPTION_ID: typeof SANDBOX_SUBSCRIPTION_ID = "00000000-0000-4000-8000-00000000feed";

/** The endpoints file Feedgate reads (lib/cloud owns the contract). */
export type SandboxEndpoints = SandboxEndpointsFile;

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
  /** Fixed ports (0 or omitted = ephemeral). The Key Vault's is ephemeral unless given: only endpoints.json names it. */
  ports?: Partial<Record<SandboxService | "keyVault", number>>;
  pace?: Partial<SandboxPace>;
  /** Page size for AML list operations without $top. */
  pageSize?: number;
  /** Maximum number of recorded requests kept in memory. */
  recorderCapacity?: number;
  /** Write <dataDir>/endpoints.json (default true). */
  writeEndpointsFile?: boolean;
  /**
   * Keep the sandbox's state in dataDir across restarts (default false: in memory, gone on close):
   * ARM, Azure ML, Nexus and Artifacts in <dataDir>/state.json (written atomically, a short while
   * after changes and on close, loaded at start), blobs in <dataDir>/blob/, and the same Nexus
   * admin password and Artifacts PAT. npm start turns it on.
   */
  persistState?: boolean;
  /** Quiet time after a change before state.json is written (ms, default 250). */
  snapshotDebounceMs?: number;
  /** The login (Entra) endpoint ARM's cloud metadata names; default: the ARM server's own URL + `/adfs` (see README). */
  loginEndpoint?: string;
  /** Create pre-existing Azure ML workspaces (sandbox/arm/seed-workspaces.ts) once, for discovery; npm start turns it on. */
  seedWorkspaces?: boolean;
};


export type RunningSandbox = {
  endpoints: SandboxEndpoints;
  nexusAdminPassword: string;
  artifactsPat: string;
  blobConnectionString: string;
  recorder: RequestRecorder;
  faults: FaultStore;
  pace: SandboxPace;
  /** The sandbox's Entra: its service principal, managed identity and token signing (tests issue odd tokens with it). */
  identity: IdentityService;
  /** Azure ML registries: their assets, publish operations and the publish call counter (sandbox/aml/registries.ts). */
  registries: RegistryState;
  /** The container registry imitation (MCR base images and their current digests). */
  containerRegistry: ContainerRegistryState;
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
  const stateFile = path.join(dataDir, "state.json");
  const snapshot = options.persistState ? parseSnapshot(readSnapshotFile(stateFile), stateFile) : undefined;

  try {
    const upstream = await generateUpstream();
    for (const [release, reason] of snapshot?.pypi?.yanked ?? []) upstream.yanked.set(release, reason);
    const azurite = await startAzurite({ certFile: tls.serverCertFile, keyFile: tls.serverKeyFile, port: ports.blob, location: options.persistState ? path.join(dataDir, "blob") : undefined });
    closers.push(azurite.close);
    const blob = new SandboxBlobAccess(azurite.accountUrl, tls.ca);

    const arm = new ArmState();
    const aml = new AmlState();
    if (snapshot?.arm) arm.restore(snapshot.arm);
    const interruptedBuilds = snapshot?.aml ? aml.restore(snapshot.aml) : [];
    const registries = new RegistryState();
    registries.restore(snapshot?.registries);
    seedRegistries(registries, FEEDGATE_SUBSCRIPTION_ID);
    const containerRegistry = new ContainerRegistryState();
    containerRegistry.restore(snapshot?.containerRegistry);
    // Set once the servers are up; requests that change state schedule a snapshot.
    const persisted: { writer?: SnapshotWriter } = {};
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
    const armUrls: string[] = [];
    // Entra for machines (token endpoints, discovery, managed identity) is served by the ARM server.
    const identity = await createIdentityService({ dataDir, tenantId: DEMO_TENANT_ID, loginUrl: () => options.loginEndpoint ?? armUrls[0] ?? "" });
    const armRouter = new Router();
    identity.register(armRouter);
    registerAmlRoutes(armRouter, { arm, aml, defaultPageSize: () => options.pageSize ?? 20 });
    registerRegistryRoutes(armRouter, { arm, aml, registries, stepMs: () => pace.armStepMs });
    registerArmDirectoryRoutes(armRouter, { state: arm, tenantId: DEMO_TENANT_ID, defaultSubscriptionId: FEEDGATE_SUBSCRIPTION_ID, loginEndpoint: () => options.loginEndpoint });
    registerArmRoutes(armRouter, engine);
    const armAuthorize = (req: SandboxRequest): SandboxResponse | undefined => {
      // Cloud metadata is read before any sign-in (az cloud register), and tokens are got without one.
      if (identity.isIdentityPath(req.path)) return undefined;
      if (!isUnauthenticatedArmPath(req.path)) {
        const refused = identity.checkArmToken(req, () => armUrls);
        if (refused) return refused;
      }
      if (!req.url.searchParams.get("api-version")) return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
      return armPreflight(req);
    };
    const armFault = (status: number): SandboxResponse => armError(status, status === 429 ? "TooManyRequests" : status === 503 ? "ServiceUnavailable" : "InternalServerError", status === 429 ? "The request is being throttled." : "The server encountered an internal error. Please retry the request.");
    const servers: SandboxServer[] = [];
    const paceAdmin = (method: string, adminPath: string, body: Buffer): SandboxResponse | undefined => {
      if (adminPath.startsWith("/_sandbox/container-registry")) return containerRegistryAdmin(containerRegistry, method, adminPath, body, () => persisted.writer?.changed());
      if (adminPath === "/_sandbox/pypi/yank") return yankAdmin(upstream, method, body, () => persisted.writer?.changed());
      if (adminPath !== "/_sandbox/pace") return undefined;
      if (method === "GET") return { status: 200, json: pace };
      if (method !== "PUT" && method !== "POST") return { status: 405 };
      const parsed = paceSchema.safeParse(safeJson(body));
      if (!parsed.success) return { status: 400, json: { error: z.prettifyError(parsed.error) } };
      Object.assign(pace, parsed.data);
      return { status: 200, json: pace };
    };
    const start = async (service: string, router: Router, port: number | undefined, extra: Partial<Parameters<typeof startSandboxServer>[0]> = {}): Promise<SandboxServer> => {
      const server = await startSandboxServer({ service, tls, router, recorder, faults, port, admin: paceAdmin, onMutation: () => persisted.writer?.changed(), ...extra });
      servers.push(server);
      closers.push(server.close);
      return server;
    };
    const armServer = await start("arm", armRouter, ports.arm, { authorize: armAuthorize, faultBody: armFault });
    const amlServer = await start("aml", armRouter, ports.aml, { authorize: armAuthorize, faultBody: armFault });
    armUrls.push(armServer.url, amlServer.url);

    const nexusPassword = snapshot?.secrets.nexusAdminPassword ?? randomBytes(18).toString("base64url");
    const nexus = createNexusService(upstream, nexusPassword);
    // Generic on purpose: whatever the Nexus state holds (repositories, groups, routing rules,
    // users, anonymous access, …) is saved and restored as it is.
    if (snapshot?.nexus) Object.assign(nexus.state, snapshot.nexus);
    const nexusServer = await start("nexus", nexus.router, ports.nexus, {
      faultBody: (status) => nexusMessage(status, status === 429 ? "Too Many Requests" : "Service Unavailable"),
      notFound: (req) => nexusUnrouted("not-found", req.path),
      methodNotAllowed: (req) => nexusUnrouted("method-not-allowed", req.path),
    });
    endpointsRef.nexusPort = nexusServer.port;

    const artifactsPat = snapshot?.secrets.artifactsPat ?? randomBytes(26).toString("base64url");
    const artifacts = createArtifactsService(upstream, artifactsPat);
    for (const [k, v] of snapshot?.artifacts?.feeds ?? []) artifacts.state.feeds.set(k, v);
    for (const [k, v] of snapshot?.artifacts?.projects ?? []) artifacts.state.projects.set(k, v);
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
    const dataPlane = createDataPlaneRouter({ arm, aml, faults, blob, ca: tls.ca, stepMs: () => pace.buildStepMs, resolveOrigin, imageDigest: (image) => containerRegistry.digestOf(image) });
    const dataPlaneServer = await start("amlDataPlane", dataPlane.router, ports.amlDataPlane, {
      authorize: (req) => (/^bearer \S+/i.test(req.headers.authorization ?? "") ? undefined : { status: 401, json: { error: { code: "UserError", message: "Authorization header is missing or invalid." } } }),
      faultBody: armFault,
    });
    endpointsRef.dataPlane = dataPlaneServer.url;
    const containerRegistryServer = await start("containerRegistry", createContainerRegistryRouter(containerRegistry), ports.containerRegistry, {
      faultBody: (status) => registryError(status, status === 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE", status === 429 ? "too many requests" : "service unavailable"),
      notFound: () => registryError(404, "NAME_UNKNOWN", "repository name not known to registry"),
      methodNotAllowed: () => registryError(405, "UNSUPPORTED", "the operation is unsupported"),
    });
    if (options.seedWorkspaces) {
      await seedExistingWorkspaces(arm, {
        subscriptionId: FEEDGATE_SUBSCRIPTION_ID,
        enrich: (r) => enrichResource(r, arm, dataPlaneServer.url),
        onWorkspace: (ws) => blob.createContainer(datastoreContainer(ws)),
      });
    }

    // Started last so that its ephemeral port is never one a fixed-port server is about to bind;
    // a restart tries the port it had, so endpoints.json stays the same.
    const keyVault = createKeyVaultService({ tenantId: DEMO_TENANT_ID });
    if (snapshot?.keyVault?.vaults) keyVault.state.vaults = snapshot.keyVault.vaults;
    // The Nexus admin password is in a vault too, so an admin can register the sandbox Nexus with
    // a Key Vault reference: https://kv-feedgate-sandbox.vault.azure.net/secrets/nexus-admin-password
    keyVault.ensureSecret(SANDBOX_VAULT.vault, SANDBOX_VAULT.nexusAdminPassword, nexusPassword);
    const keyVaultServerOptions = { recorder: new SecretValueMaskingRecorder(recorder), authorize: keyVault.authorize, notFound: keyVault.notFound, faultBody: keyVault.faultBody };
    const keyVaultServer = await start("keyVault", keyVault.router, ports.keyVault ?? snapshot?.keyVault?.port, keyVaultServerOptions).catch((error: unknown) => {
      if (error instanceof SandboxPortInUseError && !ports.keyVault) return start("keyVault", keyVault.router, 0, keyVaultServerOptions);
      throw error;
    });

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
      keyVault: keyVaultServer.url,
      caCertFile: tls.caCertFile,
      tenantId: identity.tenantId,
      loginEndpoint: options.loginEndpoint ?? armServer.url,
      servicePrincipalFile: identity.files.servicePrincipalFile,
      identityEndpoint: `${armServer.url}/msi/token`,
      identityHeaderFile: identity.files.identityHeaderFile,
      containerRegistry: containerRegistryServer.url,
    };
    if (options.writeEndpointsFile !== false) writeFileSync(path.join(dataDir, "endpoints.json"), `${JSON.stringify(endpoints, null, 2)}\n`);

    if (options.persistState) {
      await noteInterruptedBuilds(blob, interruptedBuilds);
      const writer = new SnapshotWriter({
        file: stateFile,
        debounceMs: options.snapshotDebounceMs ?? 250,
        isBusy: () => arm.isBusy() || aml.isBusy(),
        collect: (): SandboxSnapshot => ({
          version: 1,
          savedAt: new Date().toISOString(),
          secrets: { nexusAdminPassword: nexusPassword, artifactsPat },
          arm: arm.toSnapshot(),
          aml: aml.toSnapshot(),
          registries: registries.toSnapshot(),
          containerRegistry: containerRegistry.toSnapshot(),
          pypi: { yanked: [...upstream.yanked.entries()] },
          nexus: nexus.state,
          artifacts: artifacts.state,
          keyVault: { ...keyVault.state, port: keyVaultServer.port },
        }),
        onError: (error) => process.stderr.write(`sandbox: could not save ${stateFile}: ${error instanceof Error ? error.message : String(error)}\n`),
      });
      writer.flush();
      persisted.writer = writer;
      // Runs after the servers closed (closers run in reverse), before Azurite closes.
      closers.splice(1, 0, () => Promise.resolve(writer.stop()));
    }

    let closed = false;
    return {
      endpoints,
      nexusAdminPassword: nexusPassword,
      artifactsPat,
      blobConnectionString: azurite.connectionString,
      recorder,
      faults,
      pace,
      identity,
      registries,
      containerRegistry,
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

/** <dataDir>/state.json. Sections are optional so that an older or partial file still loads. */
type SandboxSnapshot = {
  version: 1;
  savedAt: string;
  secrets: { nexusAdminPassword: string; artifactsPat: string };
  arm?: ArmSnapshot;
  aml?: AmlSnapshot;
  registries?: RegistrySnapshot;
  containerRegistry?: ContainerRegistrySnapshot;
  pypi?: { yanked?: [string, string][] };
  nexus?: Partial<NexusState>;
  artifacts?: Partial<ArtifactsState>;
  keyVault?: Partial<KeyVaultState> & { port?: number };
};

function parseSnapshot(value: unknown, file: string): SandboxSnapshot | undefined {
  if (value === undefined) return undefined;
  const v = value as Partial<SandboxSnapshot> | null;
  if (v?.version !== 1 || typeof v.secrets?.nexusAdminPassword !== "string" || typeof v.secrets.artifactsPat !== "string") {
    throw new Error(`sandbox state ${file} is not a version 1 snapshot; move it away to start the sandbox empty`);
  }
  return v as SandboxSnapshot;
}

/** The reason an interrupted build failed, at the end of its log, where people look. */
async function noteInterruptedBuilds(blob: SandboxBlobAccess, builds: ImageBuild[]): Promise<void> {
  for (const build of builds) {
    const line = `${new Date().toISOString().replace("T", " ").slice(0, 19)} Image build failed: BuildInterrupted\n${build.error?.message ?? ""}\n`;
    await blob.appendBlock(build.logContainer, build.logBlob, line).catch(() => undefined);
  }
}

const yankSchema = z.object({ project: z.string().min(1).max(100), version: z.string().min(1).max(64), reason: z.string().max(300).optional(), yanked: z.boolean().default(true) }).strict();

/**
 * `POST /_sandbox/pypi/yank` `{"project":"tinytext","version":"0.1.0","reason":"…"}` yanks every
 * file of a release of the public index (PEP 592: data-yanked, PEP 691 `yanked`); `"yanked": false`
 * un-yanks it. Every feed that proxies the index shows it at once.
 */
function yankAdmin(upstream: Upstream, method: string, body: Buffer, changed: () => void): SandboxResponse {
  if (method !== "POST") return { status: 405 };
  const parsed = yankSchema.safeParse(safeJson(body));
  if (!parsed.success) return { status: 400, json: { error: z.prettifyError(parsed.error) } };
  const project = upstream.pypi.get(normalizeProjectName(parsed.data.project));
  const release = project?.releases.find((r) => r.version === parsed.data.version);
  if (!project || !release) return { status: 404, json: { error: `the sandbox index has no ${parsed.data.project} ${parsed.data.version}` } };
  const key = `${project.normalized}==${release.version}`;
  if (parsed.data.yanked) upstream.yanked.set(key, parsed.data.reason ?? "");
  else upstream.yanked.delete(key);
  changed();
  return { status: 200, json: { project: project.normalized, version: release.version, yanked: parsed.data.yanked, files: release.files.map((f) => f.filename) } };
}

const advanceImageSchema = z.object({ image: z.string().min(1).max(300) }).strict();

/**
 * `GET /_sandbox/container-registry`: every served image and its current digest.
 * `POST /_sandbox/container-registry/advance` `{"image":"mcr.microsoft.com/azureml/…:latest"}`:
 * publishes a new manifest for that tag, so its digest moves forward.
 */
function containerRegistryAdmin(state: ContainerRegistryState, method: string, adminPath: string, body: Buffer, changed: () => void): SandboxResponse {
  if (adminPath === "/_sandbox/container-registry") return method === "GET" ? { status: 200, json: { value: state.list() } } : { status: 405 };
  if (adminPath !== "/_sandbox/container-registry/advance") return { status: 404, json: { error: `unknown admin path ${adminPath}` } };
  if (method !== "POST") return { status: 405 };
  const parsed = advanceImageSchema.safeParse(safeJson(body));
  if (!parsed.success) return { status: 400, json: { error: z.prettifyError(parsed.error) } };
  const moved = state.advance(parsed.data.image);
  if (!moved) return { status: 404, json: { error: `the sandbox registry does not serve ${parsed.data.image}` } };
  changed();
  return { status: 200, json: moved };
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
  // Unset = ephemeral (npm run sandbox); npm start always passes its fixed ports.
  const ports = Object.fromEntries(SANDBOX_SERVICES.map((s) => [s, Number(process.env[SANDBOX_PORT_VARIABLES[s]] ?? 0)]));
  startSandbox({ dataDir, ports, persistState: process.env.SANDBOX_PERSIST_STATE !== "false", seedWorkspaces: true })
    .then((sandbox) => {
      process.stdout.write(`${JSON.stringify(sandbox.endpoints)}\n`);
      const stop = (): void => {
        void sandbox.close().then(() => process.exit(0));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    })
    .catch((error: unknown) => {
      if (error instanceof SandboxPortInUseError) {
        const variable = SANDBOX_SERVICES.includes(error.service as SandboxService) ? SANDBOX_PORT_VARIABLES[error.service as SandboxService] : `the ${error.service} port`;
        process.stderr.write(`${portInUseMessage(variable, error.port)}\n`);
        process.exit(1);
      }
      process.stderr.write(`sandbox failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
