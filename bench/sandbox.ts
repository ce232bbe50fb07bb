import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureSandboxCa, startSandbox } from "../sandbox/main";

/**
 * Sandbox start time (after a warm-up run that also creates the CA) and RSS after 1,000 recorded
 * requests spread over ARM, Nexus (simple index) and Artifacts. Goals: start < 10 s, RSS < 300 MB.
 */
export async function benchSandbox(): Promise<Record<string, number | string>> {
  const root = mkdtempSync(path.join(tmpdir(), "feedgate-sandbox-bench-"));
  try {
    const warm = await startSandbox({ dataDir: path.join(root, "warm"), caDir: root, writeEndpointsFile: false });
    await warm.close();

    const t0 = performance.now();
    const sandbox = await startSandbox({ dataDir: path.join(root, "run"), caDir: root, writeEndpointsFile: false, recorderCapacity: 2000 });
    const startMs = performance.now() - t0;
    try {
      const agent = new Agent({ ca: readFileSync(sandbox.endpoints.caCertFile, "utf8"), keepAlive: true, maxSockets: 16 });
      const nexusAuth = `Basic ${Buffer.from(`admin:${sandbox.nexusAdminPassword}`).toString("base64")}`;
      const proxy = JSON.stringify({
        name: "pypi-proxy",
        online: true,
        storage: { blobStoreName: "default", strictContentTypeValidation: true },
        proxy: { remoteUrl: "https://pypi.org/", contentMaxAge: 1440, metadataMaxAge: 1440 },
        negativeCache: { enabled: true, timeToLive: 1440 },
        httpClient: { blocked: false, autoBlock: true },
      });
      await send(agent, "POST", `${sandbox.endpoints.nexus}/service/rest/v1/repositories/pypi/proxy`, { authorization: nexusAuth, "content-type": "application/json" }, proxy);
      // ARM checks tokens: one of the sandbox's own, as its token endpoint issues them.
      const sp = sandbox.identity.servicePrincipal;
      const armAuth = `Bearer ${await sandbox.identity.issue({ appId: sp.clientId, objectId: sp.objectId }, `${sandbox.endpoints.arm}/`)}`;
      await send(agent, "PUT", `${sandbox.endpoints.arm}/subscriptions/bench/resourcegroups/rg?api-version=2025-04-01`, { authorization: armAuth, "content-type": "application/json" }, JSON.stringify({ location: "eastus" }));
      const targets: [string, Record<string, string>][] = [
        [`${sandbox.endpoints.arm}/subscriptions/bench/resourcegroups/rg?api-version=2025-04-01`, { authorization: armAuth }],
        [`${sandbox.endpoints.nexus}/repository/pypi-proxy/simple/tinyml/`, { authorization: nexusAuth }],
        [`${sandbox.endpoints.artifacts}/org/_apis/packaging/feeds?api-version=7.1`, { authorization: "Bearer bench" }],
      ];
      const total = 1000;
      let next = 0;
      const t1 = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            const i = next++;
            const [url, headers] = targets[i % targets.length] ?? targets[0] ?? ["", {}];
            await send(agent, "GET", url, headers);
          }
        }),
      );
      const requestsMs = performance.now() - t1;
      agent.destroy();
      const rssMb = process.memoryUsage().rss / 2 ** 20;
      const processStartMs = await measureProcessStart(path.join(root, "process"));
      return {
        sandboxStartMs: Math.round(startMs),
        sandboxProcessStartMs: Math.round(processStartMs),
        sandboxRequests: sandbox.recorder.totalRecorded,
        sandboxRequestsPerSecond: Math.round((total / requestsMs) * 1000),
        sandboxRssMbAfter1000Requests: Math.round(rssMb),
        sandboxGoals: processStartMs < 10_000 && rssMb < 300 ? "met (start < 10 s, RSS < 300 MB)" : "NOT met (start < 10 s, RSS < 300 MB)",
      };
    } finally {
      await sandbox.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `npm run sandbox` as a new process (CA already present): spawn until the endpoints line. */
async function measureProcessStart(dataDir: string): Promise<number> {
  ensureSandboxCa(dataDir);
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const t0 = performance.now();
  const child = spawn(tsx, [path.join(path.dirname(__filename), "..", "sandbox", "main.ts")], { env: { ...process.env, SANDBOX_DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "inherit"] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes('"arm"')) resolve();
      });
      child.on("exit", (code) => reject(new Error(`sandbox process exited with ${code}`)));
    });
    return performance.now() - t0;
  } finally {
    child.kill("SIGTERM");
  }
}

function send(agent: Agent, method: string, url: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}
