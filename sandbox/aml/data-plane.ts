import { randomUUID } from "node:crypto";
import type { FaultStore } from "../core/faults";
import { Router, delay, isRecord, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { ArmResource, ArmState } from "../arm/arm-state";
import type { SandboxBlobAccess } from "../blob/blob-rest";
import { datastoreContainer, findWorkspace } from "./aml-service";
import type { AmlState, ImageBuild } from "./aml-state";
import { authorizationOf, pythonFeedConnectionFor } from "./connections";
import { simulateBuild } from "./image-build";

const P = "/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}";

export type DataPlaneOptions = {
  arm: ArmState;
  aml: AmlState;
  faults: FaultStore;
  blob: SandboxBlobAccess;
  ca: string;
  stepMs: () => number;
  resolveOrigin: (url: URL) => string | undefined;
  /** The base image's current digest in the sandbox's container registry (undefined: not served there). */
  imageDigest?: (image: string) => string | undefined;
};

/** The AML environment data plane (regional API host): image details, build trigger, build status, discovery. */
export function createDataPlaneRouter(options: DataPlaneOptions): { router: Router; pending: Set<Promise<void>> } {
  const router = new Router();
  const pending = new Set<Promise<void>>();
  router.add("GET", "/discovery", (req) => ({
    status: 200,
    json: { api: req.baseUrl, catalog: req.baseUrl, experimentation: req.baseUrl, gallery: `${req.baseUrl}/gallery/v1.0`, history: req.baseUrl, hyperdrive: req.baseUrl, labeling: req.baseUrl, modelmanagement: req.baseUrl, pipelines: req.baseUrl, studio: "https://ml.azure.com" },
  }));

  // Image details: whether a build of this version put its image in the registry. As in Azure ML,
  // that is all a client can learn of a version's builds without the status location of one: a
  // build still running, or one that failed, leaves imageExistsInRegistry false.
  router.add("GET", `/environment/v1.0${P}/environments/{name}/versions/{version}/image`, (req) =>
    withVersion(options, req, (ws) => {
      const build = succeededBuild(options.aml, ws, req) ?? options.aml.latestBuild.get(buildKey(ws, req));
      const built = build?.status === "Succeeded";
      const acr = acrLoginServer(options.arm, ws);
      return {
        status: 200,
        json: {
          imageExistsInRegistry: built,
          intellectualPropertyPublisher: null,
          imageCapabilities: { canAccessData: true, hasCrossTenantSupport: false },
          ingredients: null,
          vulnerabilityFindings: { details: null },
          pythonEnvironment: { interpreterPath: "python", condaEnvironmentName: null, condaEnvironmentPath: built ? "/azureml-envs/azureml_env" : null },
          dockerImage: { name: build?.imageName ?? `${acr}/azureml/azureml_${(req.params.name ?? "").toLowerCase()}_${req.params.version}`, registry: { address: acr, username: null, password: null } },
          warnings: [],
        },
      };
    }),
  );

  const trigger = (req: SandboxRequest): SandboxResponse =>
    withVersion(options, req, (ws, props) => {
      const id = randomUUID();
      const container = datastoreContainer(ws);
      const logBlob = `azureml-logs/image_build/${id}/20_image_build_log.txt`;
      const build: ImageBuild = {
        id,
        workspaceId: ws.id,
        environment: req.params.name ?? "",
        version: req.params.version ?? "",
        status: "Queued",
        logContainer: container,
        logBlob,
        logUrl: options.blob.readSasUrl(container, logBlob),
        startedAt: new Date().toISOString(),
      };
      options.aml.builds.set(id, build);
      options.aml.latestBuild.set(buildKey(ws, req), build);
      const run = runBuild(options, ws, build, props).catch((error: unknown) => {
        build.status = "Failed";
        build.error = { code: "InternalError", message: String(error) };
      });
      pending.add(run);
      void run.finally(() => pending.delete(run));
      const location = `${req.baseUrl}/environment/v2.0/subscriptions/${req.params.sub}/resourceGroups/${req.params.rg}/providers/Microsoft.MachineLearningServices/workspaces/${req.params.ws}/imageBuilds/${id}`;
      return { status: 202, headers: { location }, json: { location, buildId: id, status: build.status } };
    });
  router.add("POST", `/environment/v2.0${P}/environments/{name}/versions/{version}/image`, trigger);
  router.add("POST", `/environment/v2.0${P}/environments/{name}/versions/{version}/imageoncompute/{compute}`, trigger);

  router.add("GET", `/environment/v2.0${P}/imageBuilds/{id}`, (req) => {
    const build = options.aml.builds.get(req.params.id ?? "");
    if (!build) return { status: 404, json: { error: { code: "UserError", message: `Image build ${req.params.id} not found.` } } };
    const terminal = build.status === "Succeeded" || build.status === "Failed";
    return {
      status: terminal ? 200 : 202,
      json: {
        status: build.status,
        logUrl: build.logUrl,
        startTime: build.startedAt,
        ...(build.endedAt ? { endTime: build.endedAt } : {}),
        ...(build.imageName ? { imageName: build.imageName } : {}),
        ...(build.error ? { error: build.error } : {}),
      },
    };
  });
  // Sandbox inspection, not an Azure ML API: what a build's simulated install put in its image,
  // so tests can check what Feedgate recorded against what the build did.
  router.add("GET", "/sandbox/imageBuilds/{id}/installed", (req) => {
    const build = options.aml.builds.get(req.params.id ?? "");
    if (!build) return { status: 404, json: { error: { code: "UserError", message: `Image build ${req.params.id} not found.` } } };
    return { status: 200, json: { status: build.status, installed: build.installed ?? null } };
  });
  return { router, pending };
}

async function runBuild(options: DataPlaneOptions, ws: ArmResource, build: ImageBuild, props: Record<string, unknown>): Promise<void> {
  const { blob } = options;
  await blob.createContainer(build.logContainer);
  await blob.createAppendBlob(build.logContainer, build.logBlob);
  const append = (lines: string[]): Promise<void> => blob.appendBlock(build.logContainer, build.logBlob, lines.map((l) => `${l}\n`).join(""));
  const stamp = (): string => new Date().toISOString().replace("T", " ").slice(0, 19);
  await append([`${stamp()} Image build queued for environment ${build.environment}:${build.version} (build ${build.id})`]);
  await delay(options.stepMs());
  build.status = "GettingOrProvisioningACR";
  const acr = acrLoginServer(options.arm, ws);
  await append([`${stamp()} Getting or provisioning the workspace Azure Container Registry: ${acr}`]);
  await delay(options.stepMs());
  const registry = findAcr(options.arm, ws);
  const compute = typeof ws.properties.imageBuildCompute === "string" ? ws.properties.imageBuildCompute : "";
  if (registry && String(registry.properties.publicNetworkAccess ?? "Enabled") === "Disabled" && !compute) {
    return fail(build, append, "AcrBehindVnet", `Azure Container Registry ${acr} is not accessible from the image build service: public network access is disabled. Set the workspace's imageBuildCompute to a compute cluster in the virtual network.`);
  }
  build.status = "Running";
  await append([`${stamp()} Building image on ${compute ? `compute cluster '${compute}'` : "serverless build agent"}`]);
  const fault = options.faults.buildFault(build.environment);
  if (fault?.kind === "build-hang") {
    await append([`${stamp()} Waiting for build agent...`]);
    return; // stays Running until the sandbox stops
  }
  if (fault?.kind === "build-failure") {
    return fail(build, append, fault.errorCode ?? "InjectedBuildFailure", fault.message ?? "Image build failed (injected fault).");
  }
  const inputs = await readBuildInputs(options, ws, props);
  if ("error" in inputs) return fail(build, append, "BuildContextUnavailable", inputs.error);
  const result = await simulateBuild({
    environment: build.environment,
    version: build.version,
    image: typeof props.image === "string" ? props.image : undefined,
    dockerfile: inputs.dockerfile,
    condaFile: typeof props.condaFile === "string" ? props.condaFile : undefined,
    contextFiles: inputs.files,
    acrLoginServer: acr,
    resolveOrigin: options.resolveOrigin,
    imageDigest: options.imageDigest,
    ca: options.ca,
    // Read at each request, as the build agent reads the workspace's connections when it runs.
    feedAuthorization: (indexUrl) => {
      const connection = pythonFeedConnectionFor(options.aml.connectionsOf(ws.id).values(), indexUrl);
      return connection ? authorizationOf(connection) : undefined;
    },
  });
  // Emit the log progressively so that clients polling logUrl see it grow.
  const chunk = Math.max(3, Math.ceil(result.lines.length / 4));
  for (let i = 0; i < result.lines.length; i += chunk) {
    await append(result.lines.slice(i, i + chunk));
    await delay(Math.max(1, Math.floor(options.stepMs() / 4)));
  }
  build.installed = result.installed;
  if (!result.ok) return fail(build, append, result.error?.code ?? "BuildFailed", result.error?.message ?? "Image build failed.");
  build.imageName = `${acr}/azureml/azureml_${build.id.replace(/-/g, "").slice(0, 32)}`;
  await append([`${stamp()} Image build succeeded: ${build.imageName}`]);
  build.status = "Succeeded";
  build.endedAt = new Date().toISOString();
}

async function fail(build: ImageBuild, append: (lines: string[]) => Promise<void>, code: string, message: string): Promise<void> {
  await append([`${new Date().toISOString().replace("T", " ").slice(0, 19)} Image build failed: ${code}`, message.split("\n")[0] ?? message]);
  build.error = { code, message };
  build.status = "Failed";
  build.endedAt = new Date().toISOString();
}

async function readBuildInputs(options: DataPlaneOptions, ws: ArmResource, props: Record<string, unknown>): Promise<{ dockerfile?: string; files: Map<string, Buffer> } | { error: string }> {
  const files = new Map<string, Buffer>();
  const build = isRecord(props.build) ? props.build : undefined;
  if (!build) return { files };
  const uri = String(build.contextUri ?? "");
  const location = locateContext(uri, ws, options.blob.accountUrl);
  if (!location) return { error: `Unable to download build context from '${uri}': only the workspace's blob datastore is reachable from the build compute.` };
  const names = await options.blob.listBlobs(location.container, location.prefix);
  if (names === "no-container") return { error: `Unable to download build context from '${uri}': The specified container does not exist.` };
  for (const name of names) {
    const data = await options.blob.getBlob(location.container, name);
    if (data) files.set(name.slice(location.prefix.length).replace(/^\/+/, ""), data);
  }
  const dockerfilePath = String(build.dockerfilePath ?? "Dockerfile").replace(/^\.?\//, "");
  const dockerfile = files.get(dockerfilePath);
  if (!dockerfile) return { error: `Dockerfile '${dockerfilePath}' was not found in the build context '${uri}'.` };
  return { dockerfile: dockerfile.toString("utf8"), files };
}

function locateContext(uri: string, ws: ArmResource, accountUrl: string): { container: string; prefix: string } | undefined {
  const datastore = /^azureml:\/\/.*\/datastores\/([^/]+)\/paths\/(.*)$/i.exec(uri);
  if (datastore) return datastore[1]?.toLowerCase() === "workspaceblobstore" ? { container: datastoreContainer(ws), prefix: withSlash(datastore[2] ?? "") } : undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const account = new URL(accountUrl);
  let parts: string[];
  if (url.host === account.host) parts = url.pathname.split("/").filter(Boolean).slice(1);
  else if (/\.blob\.core\.windows\.net$/i.test(url.hostname)) parts = url.pathname.split("/").filter(Boolean);
  else return undefined;
  const [container, ...rest] = parts.map(decodeURIComponent);
  if (!container) return undefined;
  return { container, prefix: withSlash(rest.join("/")) };
}

function withSlash(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

function withVersion(options: DataPlaneOptions, req: SandboxRequest, fn: (ws: ArmResource, props: Record<string, unknown>) => SandboxResponse): SandboxResponse {
  const ws = findWorkspace(options.arm, req);
  if (!ws) return { status: 404, json: { error: { code: "UserError", message: `Workspace ${req.params.ws} not found.` } } };
  const version = options.aml.containersOf(ws.id).get((req.params.name ?? "").toLowerCase())?.versions.get(req.params.version ?? "");
  if (!version) return { status: 404, json: { error: { code: "UserError", message: `Environment ${req.params.name} version ${req.params.version} is not registered in workspace ${ws.name}.` } } };
  return fn(ws, version.properties);
}

/** The image stays in the registry once built, whatever later rebuilds of the version did. */
function succeededBuild(aml: AmlState, ws: ArmResource, req: SandboxRequest): ImageBuild | undefined {
  const name = (req.params.name ?? "").toLowerCase();
  for (const build of aml.builds.values()) {
    if (build.status === "Succeeded" && build.workspaceId.toLowerCase() === ws.id.toLowerCase() && build.environment.toLowerCase() === name && build.version === req.params.version) return build;
  }
  return undefined;
}

function buildKey(ws: ArmResource, req: SandboxRequest): string {
  return `${ws.id}|${req.params.name}|${req.params.version}`.toLowerCase();
}

function findAcr(arm: ArmState, ws: ArmResource): ArmResource | undefined {
  const id = typeof ws.properties.containerRegistry === "string" ? ws.properties.containerRegistry : "";
  return id ? arm.getResource(id) : undefined;
}

function acrLoginServer(arm: ArmState, ws: ArmResource): string {
  const acr = findAcr(arm, ws);
  if (acr) return String(acr.properties.loginServer ?? `${acr.name}.azurecr.io`);
  return `${String(ws.properties.workspaceId ?? "workspace").replace(/-/g, "").slice(0, 12)}.azurecr.io`;
}
