import { request } from "node:https";
import { isRecord } from "../core/http";
import { compareVersions, normalizeProjectName, parseCondaSpec, parsePipRequirement, satisfies, type Requirement } from "../packages/versions";
import { type CondaEnvFile, parseCondaEnv, parseCondarc, parseDockerfile, parsePipConf, splitShell } from "./build-inputs";

/**
 * What an AML image build checks, simulated: the Dockerfile is parsed, the base image must exist,
 * and every pip/conda install really queries the configured feeds over HTTPS (sandbox endpoints
 * only: everything else is unreachable, as from a network-isolated build compute).
 */
export type BuildInput = {
  environment: string;
  version: string;
  image?: string;
  dockerfile?: string;
  condaFile?: string;
  contextFiles: Map<string, Buffer>;
  acrLoginServer: string;
  /** Maps a URL's origin to a sandbox origin (https://127.0.0.1:port) or undefined = unreachable. */
  resolveOrigin: (url: URL) => string | undefined;
  /** The image's current digest in the registry it is pulled from, read at pull time. */
  imageDigest?: (image: string) => string | undefined;
  ca: string;
  /**
   * The Authorization header the workspace's connections give a pip index (a PythonFeed
   * connection whose target covers it), as Azure ML authenticates builds to private feeds.
   */
  feedAuthorization?: (indexUrl: string) => string | undefined;
};

/**
 * What the simulated install put in the image, as `name==version` (pip names PEP 503-normalised,
 * conda names lower-case), sorted: the sandbox's own record, which `pip list --format=freeze` and
 * `conda list --explicit` print and tests compare Feedgate's recorded lock with.
 */
export type InstalledPackages = { pip: string[]; conda: string[] };

export type BuildResult = { ok: boolean; lines: string[]; installed: InstalledPackages; error?: { code: string; message: string } };

/** Everything installed so far in this image: pip by normalised name; conda with the file's URL. */
type Installed = { pip: Map<string, string>; conda: Map<string, { version: string; url: string }> };

type PipConfig = { indexUrl: string; extraIndexUrls: string[] };

class BuildFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const PREINSTALLED_PIP = new Set(["pip", "setuptools", "wheel"]);
const BASE_CONDA = new Set(["python", "pip", "setuptools", "wheel", "ca-certificates", "openssl"]);

export async function simulateBuild(input: BuildInput): Promise<BuildResult> {
  const lines: string[] = [];
  const log = (...l: string[]): void => {
    lines.push(...l);
  };
  const installed: Installed = { pip: new Map(), conda: new Map() };
  try {
    let dockerfile = input.dockerfile;
    if (dockerfile === undefined) {
      if (!input.image) throw new BuildFailure("NoImage", "Environment has neither an image nor a build context.");
      // AML generates a Dockerfile for image + condaFile environments.
      dockerfile = `FROM ${input.image}\n`;
      if (input.condaFile) {
        input.contextFiles.set("azureml-environment-setup/mutated_conda_dependencies.yml", Buffer.from(input.condaFile));
        dockerfile += "COPY azureml-environment-setup/mutated_conda_dependencies.yml azureml-environment-setup/mutated_conda_dependencies.yml\n";
        dockerfile += "RUN conda env create -p /azureml-envs/azureml_env -f azureml-environment-setup/mutated_conda_dependencies.yml && rm -rf \"$HOME/.cache/pip\"\n";
      }
    }
    const parsed = parseDockerfile(dockerfile);
    if ("error" in parsed) {
      log("Error response from daemon: " + parsed.error);
      throw new BuildFailure("DockerfileParseError", parsed.error);
    }
    const steps = parsed.instructions;
    const state: ShellState = { pip: { indexUrl: "https://pypi.org/simple", extraIndexUrls: [] }, condaChannels: ["defaults"], files: new Map<string, string>(), hasConda: false, hasPython: false, workdir: "/", installed };
    log(`Sending build context to Docker daemon  ${(([...input.contextFiles.values()].reduce((n, b) => n + b.length, 0) + 1024) / 1024).toFixed(2)}kB`);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (!step) continue;
      log(`Step ${i + 1}/${steps.length} : ${step.keyword} ${step.args}`);
      switch (step.keyword) {
        case "FROM": {
          const image = step.args.split(/\s+/)[0] ?? "";
          const base = checkBaseImage(image, input.acrLoginServer);
          if (!base.ok) {
            log(base.message);
            throw new BuildFailure("BaseImagePullFailed", base.message);
          }
          state.hasConda = base.hasConda;
          state.hasPython = base.hasPython;
          log(`${image.includes(":") ? image.split(":").pop() : "latest"}: Pulling from ${image.split(":")[0]}`, `Digest: ${input.imageDigest?.(image) ?? `sha256:${"4f".repeat(32)}`}`, `Status: Downloaded newer image for ${image}`, " ---> 3b5e4c1f2a9d");
          break;
        }
        case "ENV": {
          for (const [k, v] of parseEnv(step.args)) {
            if (k === "PIP_INDEX_URL") state.pip.indexUrl = v;
            if (k === "PIP_EXTRA_INDEX_URL") state.pip.extraIndexUrls = v.split(/\s+/).filter(Boolean);
          }
          log(" ---> Running in 9c1d2e3f4a5b", " ---> 7a8b9c0d1e2f");
          break;
        }
        case "WORKDIR":
          state.workdir = step.args.trim();
          log(" ---> 1f2e3d4c5b6a");
          break;
        case "COPY":
        case "ADD": {
          const parts = step.args.split(/\s+/).filter((p) => !p.startsWith("--"));
          const dest = parts.pop() ?? "";
          for (const src of parts) {
            const key = src.replace(/^\.\//, "");
            const matches = [...input.contextFiles.keys()].filter((k) => k === key || k.startsWith(`${key.replace(/\/$/, "")}/`) || key === ".");
            if (matches.length === 0) {
              const msg = `COPY failed: file not found in build context or excluded by .dockerignore: stat ${key}: file does not exist`;
              log(msg);
              throw new BuildFailure("BuildContextFileMissing", msg);
            }
            for (const m of matches) {
              const content = input.contextFiles.get(m)?.toString("utf8") ?? "";
              const target = dest.endsWith("/") || matches.length > 1 ? `${joinPath(state.workdir, dest)}/${m.split("/").pop() ?? m}` : joinPath(state.workdir, dest);
              state.files.set(target, content);
              applyConfigFile(state, target, content);
            }
          }
          log(" ---> 5e6f7a8b9c0d");
          break;
        }
        case "RUN": {
          log(" ---> Running in 2b3c4d5e6f7a");
          await runShell(step.args, state, input, log);
          log("Removing intermediate container 2b3c4d5e6f7a", " ---> 8c9d0e1f2a3b");
          break;
        }
        default:
          log(" ---> Running in 0a1b2c3d4e5f", " ---> 6d7e8f9a0b1c");
      }
    }
    const imageName = `${input.acrLoginServer}/azureml/azureml_${hashName(input.environment + input.version)}`;
    log("Successfully built 8c9d0e1f2a3b", `Successfully tagged ${imageName}:latest`, `Pushing image ${imageName}:latest`, "latest: digest: sha256:" + "9e".repeat(32) + " size: 4321");
    return { ok: true, lines, installed: listInstalled(installed) };
  } catch (error) {
    if (error instanceof BuildFailure) {
      log("", `ERROR: ${error.code}: image build failed`);
      return { ok: false, lines, installed: listInstalled(installed), error: { code: error.code, message: error.message } };
    }
    throw error;
  }
}

type ShellState = { pip: PipConfig; condaChannels: string[]; files: Map<string, string>; hasConda: boolean; hasPython: boolean; workdir: string; installed: Installed };

async function runShell(script: string, state: ShellState, input: BuildInput, log: (...l: string[]) => void): Promise<void> {
  for (const cmd of splitShell(script)) {
    const argv = [...cmd.argv];
    // python -m pip ... → pip ...
    if (/^python3?(\.\d+)?$/.test(argv[0] ?? "") && argv[1] === "-m" && (argv[2] === "pip" || argv[2] === "conda")) argv.splice(0, 2);
    const exe = (argv[0] ?? "").split("/").pop() ?? "";
    try {
      if (exe === "echo" || exe === "printf") {
        const text = argv.slice(1).filter((a) => a !== "-e" && a !== "-n").join(" ").replace(/\\n/g, "\n");
        if (cmd.redirect) {
          const path = joinPath(state.workdir, cmd.redirect.path);
          const content = (cmd.redirect.append ? (state.files.get(path) ?? "") : "") + text + (exe === "echo" ? "\n" : "");
          state.files.set(path, content);
          applyConfigFile(state, path, content);
        } else log(text);
      } else if (exe === "pip" || exe === "pip3") {
        if (!state.hasPython) throw new BuildFailure("CommandNotFound", `/bin/sh: 1: ${exe}: not found`);
        await runPip(argv.slice(1), state, input, log);
      } else if (exe === "conda" || exe === "mamba" || exe === "micromamba") {
        if (!state.hasConda) throw new BuildFailure("CommandNotFound", `/bin/sh: 1: ${exe}: not found`);
        await runConda(argv.slice(1), state, input, log);
      } else if (exe === "apt-get" || exe === "apt") {
        if (argv[1] === "update") {
          log("Err:1 http://archive.ubuntu.com/ubuntu focal InRelease", "  Temporary failure resolving 'archive.ubuntu.com'", "W: Some index files failed to download. They have been ignored, or old ones used instead.");
        } else if (argv[1] === "install") {
          const pkg = argv.slice(2).find((a) => !a.startsWith("-")) ?? "";
          throw new BuildFailure("AptPackageNotFound", `E: Unable to locate package ${pkg}`);
        }
      }
    } catch (error) {
      if (error instanceof BuildFailure && cmd.orTrue) continue;
      if (error instanceof BuildFailure) {
        log(error.message, `The command '/bin/sh -c ${script}' returned a non-zero code: 1`);
      }
      throw error;
    }
  }
}

async function runPip(args: string[], state: ShellState, input: BuildInput, log: (...l: string[]) => void): Promise<void> {
  const sub = args[0];
  if (sub === "config") {
    const [, action, key, value] = args;
    if (action === "set" && key && value !== undefined) {
      const k = key.replace(/^(global|install)\./, "");
      if (k === "index-url") state.pip.indexUrl = value;
      if (k === "extra-index-url") state.pip.extraIndexUrls = value.split(/\s+/).filter(Boolean);
      log(`Writing to /etc/pip.conf`);
    }
    return;
  }
  if (sub === "freeze" || (sub === "list" && args.includes("--format=freeze"))) {
    // As pip: the image's distributions except pip's own tooling, one `name==version` a line.
    log(...[...state.installed.pip].sort(([a], [b]) => a.localeCompare(b)).map(([n, v]) => `${n}==${v}`));
    return;
  }
  if (sub !== "install") return;
  const config: PipConfig = { indexUrl: state.pip.indexUrl, extraIndexUrls: [...state.pip.extraIndexUrls] };
  const requirements: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i] ?? "";
    const next = (): string => args[++i] ?? "";
    if (a === "-i" || a === "--index-url") config.indexUrl = next();
    else if (a.startsWith("--index-url=")) config.indexUrl = a.slice(12);
    else if (a === "--extra-index-url") config.extraIndexUrls.push(next());
    else if (a === "-r" || a === "--requirement") requirements.push(...readRequirements(state, input, next(), config));
    else if (a === "--trusted-host" || a === "-c" || a === "--constraint" || a === "--target" || a === "-t" || a === "--prefix") next();
    else if (a.startsWith("-")) continue;
    else requirements.push(a);
  }
  await pipInstall(requirements, config, input, log, state.installed.pip);
}

function readRequirements(state: ShellState, input: BuildInput, file: string, config: PipConfig): string[] {
  const path = joinPath(state.workdir, file);
  const text = state.files.get(path) ?? input.contextFiles.get(file.replace(/^\.\//, ""))?.toString("utf8");
  if (text === undefined) throw new BuildFailure("RequirementsFileMissing", `ERROR: Could not open requirements file: [Errno 2] No such file or directory: '${file}'`);
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const opt = /^(-i|--index-url|--extra-index-url)[\s=]+(\S+)/.exec(line);
    if (opt?.[1] && opt[2]) {
      if (opt[1] === "--extra-index-url") config.extraIndexUrls.push(opt[2]);
      else config.indexUrl = opt[2];
      continue;
    }
    if (line.startsWith("-")) continue;
    out.push(line);
  }
  return out;
}

/** pip's resolver, reduced: newest version that satisfies every constraint, dependencies from PEP 658 metadata. */
export async function pipInstall(requirements: string[], config: PipConfig, input: BuildInput, log: (...l: string[]) => void, installed: Map<string, string>): Promise<void> {
  const indexes = [config.indexUrl, ...config.extraIndexUrls];
  if (config.indexUrl !== "https://pypi.org/simple") log(`Looking in indexes: ${indexes.map(maskUrl).join(", ")}`);
  const auth = connectionAuth(indexes, input);
  const chosen = new Map<string, { version: string; file: string }>();
  const queue: { req: Requirement; parent?: string }[] = [];
  for (const r of requirements) {
    const req = parsePipRequirement(r);
    if (!req) throw new BuildFailure("InvalidRequirement", `ERROR: Invalid requirement: '${r}'`);
    queue.push({ req });
  }
  while (queue.length > 0) {
    const item = queue.shift();
    if (!item) break;
    const { req, parent } = item;
    const name = normalizeProjectName(req.name);
    if (PREINSTALLED_PIP.has(name)) {
      log(`Requirement already satisfied: ${req.raw} in /opt/miniconda/lib/python3.10/site-packages`);
      continue;
    }
    const already = chosen.get(name);
    if (already) {
      if (!satisfies(already.version, req.constraints)) {
        throw new BuildFailure("PipDependencyConflict", `ERROR: Cannot install ${req.raw} because these package versions have conflicting dependencies.\nERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts`);
      }
      continue;
    }
    log(`Collecting ${req.raw}${parent ? ` (from ${parent})` : ""}`);
    const candidates: { version: string; url: string; filename: string }[] = [];
    for (const index of indexes) {
      const found = await fetchProject(index, name, input, log, auth);
      candidates.push(...found);
    }
    const versions = [...new Set(candidates.map((c) => c.version))].sort(compareVersions);
    const matching = versions.filter((v) => satisfies(v, req.constraints));
    const best = matching[matching.length - 1];
    if (!best) {
      const msg = `ERROR: Could not find a version that satisfies the requirement ${req.raw} (from versions: ${versions.length ? versions.join(", ") : "none"})\nERROR: No matching distribution found for ${req.raw}`;
      throw new BuildFailure("PipPackageNotFound", msg);
    }
    const wheel = candidates.find((c) => c.version === best && c.filename.endsWith(".whl")) ?? candidates.find((c) => c.version === best);
    if (!wheel) continue;
    log(`  Downloading ${maskUrl(wheel.url.split("#")[0] ?? wheel.url)} (1.2 kB)`);
    chosen.set(name, { version: best, file: wheel.filename });
    const metadata = await httpGet(`${wheel.url.split("#")[0] ?? ""}.metadata`, input, "text/plain", auth);
    if (metadata.status === 200) {
      for (const line of metadata.body.split("\n")) {
        const m = /^Requires-Dist:\s*(.+)$/.exec(line);
        if (!m?.[1] || m[1].includes("extra ==")) continue;
        const dep = parsePipRequirement(m[1]);
        if (dep) queue.push({ req: dep, parent: `${name}==${best}` });
      }
    }
  }
  if (chosen.size > 0) {
    const names = [...chosen.keys()].sort();
    log(`Installing collected packages: ${names.join(", ")}`, `Successfully installed ${names.map((n) => `${n}-${chosen.get(n)?.version}`).join(" ")}`);
    for (const [n, c] of chosen) installed.set(n, c.version);
  }
}

async function fetchProject(index: string, name: string, input: BuildInput, log: (...l: string[]) => void, auth: OriginAuth): Promise<{ version: string; url: string; filename: string }[]> {
  const pageUrl = `${index.replace(/\/+$/, "")}/${name}/`;
  const res = await httpGet(pageUrl, input, "application/vnd.pypi.simple.v1+json", auth);
  if (res.status === -1) {
    for (let retry = 4; retry >= 0; retry--) {
      log(`WARNING: Retrying (Retry(total=${retry}, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f3a2c1d0e50>: Failed to establish a new connection: [Errno 110] Connection timed out')': /${new URL(pageUrl).pathname.replace(/^\//, "")}`);
    }
    log(`ERROR: Could not fetch URL ${maskUrl(pageUrl)}: connection error - skipping`);
    return [];
  }
  if (res.status === 401) {
    // pip's own warning when it sent credentials; without any, the build has nothing to send.
    log(res.sentCredentials ? `WARNING: 401 Error, Credentials not correct for ${maskUrl(pageUrl)}` : `WARNING: 401 Error, no credentials for ${maskUrl(pageUrl)}: the index requires authentication and no workspace connection (category PythonFeed) has a target that covers it`);
    throw new BuildFailure("FeedUnauthorized", `ERROR: 401 Client Error: Unauthorized for url: ${maskUrl(pageUrl)}\nERROR: Could not find a version that satisfies the requirement ${name} (from versions: none)\nERROR: No matching distribution found for ${name}`);
  }
  if (res.status === 403) {
    // pip prints the reason phrase, which names a Nexus routing rule's refusal.
    throw new BuildFailure("FeedForbidden", `ERROR: HTTP error 403 while getting ${maskUrl(pageUrl)}\nERROR: 403 Client Error: ${res.reason || "Forbidden"} for url: ${maskUrl(pageUrl)}`);
  }
  if (res.status === 404) return [];
  if (res.status !== 200) {
    log(`WARNING: Could not fetch URL ${maskUrl(pageUrl)}: ${res.status} Server Error for url: ${maskUrl(pageUrl)} - skipping`);
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    return [];
  }
  const files = isRecord(parsed) && Array.isArray(parsed.files) ? parsed.files.filter(isRecord) : [];
  return files.flatMap((f) => {
    const filename = String(f.filename ?? "");
    const version = versionFromFilename(filename, name);
    return version ? [{ version, filename, url: new URL(String(f.url ?? ""), pageUrl).toString() }] : [];
  });
}

async function runConda(args: string[], state: ShellState, input: BuildInput, log: (...l: string[]) => void): Promise<void> {
  const sub = args[0];
  if (sub === "config") {
    for (let i = 1; i < args.length; i++) {
      const a = args[i];
      if ((a === "--add" || a === "--prepend") && args[i + 1] === "channels" && args[i + 2]) {
        state.condaChannels = [args[i + 2] ?? "", ...state.condaChannels.filter((c) => c !== args[i + 2])];
        i += 2;
      } else if (a === "--append" && args[i + 1] === "channels" && args[i + 2]) {
        state.condaChannels = [...state.condaChannels.filter((c) => c !== args[i + 2]), args[i + 2] ?? ""];
        i += 2;
      } else if (a === "--remove" && args[i + 1] === "channels" && args[i + 2]) {
        const target = args[i + 2];
        if (!state.condaChannels.includes(target ?? "")) throw new BuildFailure("CondaConfigError", `CondaKeyError: 'channels': '${target}' is not in the 'channels' key of the config file`);
        state.condaChannels = state.condaChannels.filter((c) => c !== target);
        i += 2;
      }
    }
    return;
  }
  if (sub === "list") {
    if (args.includes("--explicit")) {
      const urls = [...state.installed.conda].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p.url);
      log("# This file may be used to create an environment using:", "# $ conda create --name <env> --file <this file>", "# platform: linux-64", "@EXPLICIT", ...urls);
    }
    return;
  }
  let env: CondaEnvFile | undefined;
  const specs: string[] = [];
  let channels: string[] = [];
  let override = false;
  const rest = sub === "env" ? args.slice(2) : args.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? "";
    if (a === "-f" || a === "--file") {
      const file = rest[++i] ?? "";
      const text = state.files.get(joinPath(state.workdir, file)) ?? input.contextFiles.get(file.replace(/^\.\//, ""))?.toString("utf8");
      if (text === undefined) throw new BuildFailure("CondaFileMissing", `EnvironmentFileNotFound: '${joinPath(state.workdir, file)}' file not found`);
      const parsed = parseCondaEnv(text);
      if ("error" in parsed) throw new BuildFailure("CondaFileInvalid", `SpecNotFound: Invalid YAML in environment file: ${parsed.error}`);
      env = parsed;
    } else if (a === "-c" || a === "--channel") channels.push(rest[++i] ?? "");
    else if (a === "--override-channels") override = true;
    else if (a === "-n" || a === "--name" || a === "-p" || a === "--prefix") i++;
    else if (!a.startsWith("-")) specs.push(a);
  }
  if (sub !== "install" && sub !== "create" && !(sub === "env" && (args[1] === "create" || args[1] === "update"))) return;
  if (env) {
    specs.push(...env.dependencies);
    channels = [...channels, ...env.channels];
  }
  // As in conda: file/-c channels come first, then the configured ones ("defaults"), unless
  // --override-channels is given or the environment file lists `nodefaults` (not a channel itself).
  const noDefaults = channels.includes("nodefaults");
  channels = channels.filter((c) => c !== "nodefaults");
  const effective = override || noDefaults ? channels : [...channels, ...state.condaChannels.filter((c) => !channels.includes(c))];
  log("Collecting package metadata (repodata.json): ...working...");
  const available = new Map<string, { version: string; depends: string[]; url: string }[]>();
  const channelUrls: string[] = [];
  for (const channel of effective.length ? effective : ["defaults"]) {
    for (const url of expandChannel(channel)) {
      for (const subdir of ["linux-64", "noarch"]) {
        const repodataUrl = `${url}/${subdir}/repodata.json`;
        channelUrls.push(`${maskUrl(url)}/${subdir}`);
        const res = await httpGet(repodataUrl, input, "application/json");
        if (res.status === -1) {
          throw new BuildFailure("CondaHTTPError", `Collecting package metadata (repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <${maskUrl(repodataUrl)}>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get you on your way.\n'${maskUrl(repodataUrl)}'`);
        }
        if (res.status !== 200) {
          const reason: Record<number, string> = { 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT FOUND", 502: "BAD GATEWAY", 503: "SERVICE UNAVAILABLE" };
          const hint = res.status === 401 ? "The credentials you have provided for this URL are invalid.\n\nYou will need to modify your conda configuration to proceed.\nUse `conda config --show` to view your configuration's current state." : res.status === 404 ? `The remote server could not find the ${subdir} directory for the\nrequested channel with url: ${maskUrl(url)}` : "An HTTP error occurred when trying to retrieve this URL.";
          throw new BuildFailure("CondaHTTPError", `Collecting package metadata (repodata.json): failed\n\nCondaHTTPError: HTTP ${res.status} ${reason[res.status] ?? "ERROR"} for url <${maskUrl(repodataUrl)}>\nElapsed: 00:00.012345\n\n${hint}`);
        }
        try {
          const repodata: unknown = JSON.parse(res.body);
          for (const key of ["packages", "packages.conda"]) {
            const pkgs = isRecord(repodata) && isRecord(repodata[key]) ? repodata[key] : {};
            for (const [filename, rec] of Object.entries(pkgs)) {
              if (!isRecord(rec)) continue;
              const list = available.get(String(rec.name)) ?? [];
              list.push({ version: String(rec.version), depends: Array.isArray(rec.depends) ? rec.depends.map(String) : [], url: `${maskUrl(url)}/${subdir}/${filename}` });
              available.set(String(rec.name), list);
            }
          }
        } catch {
          throw new BuildFailure("CondaHTTPError", `CondaHTTPError: invalid repodata.json at <${maskUrl(repodataUrl)}>`);
        }
      }
    }
  }
  log("Collecting package metadata (repodata.json): done", "Solving environment: ...working...");
  const missing: string[] = [];
  const chosen = new Map<string, { version: string; url: string }>();
  const queue = specs.map((s) => parseCondaSpec(s) ?? { name: s, constraints: [], raw: s });
  while (queue.length) {
    const spec = queue.shift();
    if (!spec) break;
    const name = spec.name.toLowerCase();
    if (BASE_CONDA.has(name) || chosen.has(name)) continue;
    const candidates = (available.get(name) ?? []).filter((c) => satisfies(c.version, spec.constraints)).sort((a, b) => compareVersions(a.version, b.version));
    const best = candidates[candidates.length - 1];
    if (!best) {
      missing.push(spec.raw);
      continue;
    }
    chosen.set(name, { version: best.version, url: best.url });
    for (const dep of best.depends) {
      const d = parseCondaSpec(dep);
      if (d) queue.push(d);
    }
  }
  if (missing.length) {
    throw new BuildFailure("PackagesNotFoundError", `Solving environment: failed\n\nPackagesNotFoundError: The following packages are not available from current channels:\n\n${missing.map((m) => `  - ${m}`).join("\n")}\n\nCurrent channels:\n\n${channelUrls.map((c) => `  - ${c}`).join("\n")}\n\nTo search for alternate channels that may provide the conda package you're\nlooking for, navigate to\n\n    https://anaconda.org\n\nand use the search bar at the top of the page.`);
  }
  log("Solving environment: done", "", "## Package Plan ##", "", "The following NEW packages will be INSTALLED:", "", ...[...chosen].map(([n, p]) => `  ${n.padEnd(20)} ${p.version}-pyhd8ed1ab_0`), "", "Preparing transaction: done", "Verifying transaction: done", "Executing transaction: done");
  for (const [n, p] of chosen) state.installed.conda.set(n, p);
  if (env && env.pip.length > 0) {
    const config: PipConfig = { indexUrl: state.pip.indexUrl, extraIndexUrls: [...state.pip.extraIndexUrls] };
    const reqs: string[] = [];
    for (let i = 0; i < env.pip.length; i++) {
      const item = env.pip[i] ?? "";
      const opt = /^(-i|--index-url|--extra-index-url)(?:[\s=]+(\S+))?$/.exec(item);
      if (opt?.[1]) {
        const value = opt[2] ?? "";
        if (opt[1] === "--extra-index-url") config.extraIndexUrls.push(value);
        else config.indexUrl = value;
      } else if (!item.startsWith("-")) reqs.push(item);
    }
    log("Installing pip dependencies: ...working...");
    try {
      await pipInstall(reqs, config, input, log, state.installed.pip);
    } catch (error) {
      if (error instanceof BuildFailure) {
        throw new BuildFailure(error.code, `Pip subprocess error:\n${error.message}\n\nfailed\n\nCondaEnvException: Pip failed`);
      }
      throw error;
    }
    log("Installing pip dependencies: done");
  }
}

function listInstalled(installed: Installed): InstalledPackages {
  const lines = (entries: [string, string][]) => entries.map(([n, v]) => `${n}==${v}`).sort();
  return { pip: lines([...installed.pip]), conda: lines([...installed.conda].map(([n, p]) => [n, p.version])) };
}

function expandChannel(channel: string): string[] {
  if (channel === "defaults") return ["https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r"];
  if (/^https?:\/\//.test(channel)) return [channel.replace(/\/+$/, "")];
  return [`https://conda.anaconda.org/${channel}`];
}

function checkBaseImage(image: string, acr: string): { ok: true; hasConda: boolean; hasPython: boolean } | { ok: false; message: string } {
  const [repo = "", tag = "latest"] = image.split(/:(?=[^/]*$)/);
  const lower = repo.toLowerCase();
  if (lower.startsWith("mcr.microsoft.com/azureml/")) {
    const name = lower.slice("mcr.microsoft.com/azureml/".length);
    const known = /^(curated\/.+|openmpi\d+\.\d+\.\d+-ubuntu\d+\.\d+|openmpi\d+\.\d+\.\d+-cuda\d+.*|minimal-ubuntu\d+\.\d+-py\d+-(cpu|cuda\d+\.\d+)-inference|base|intelmpi.*)$/.test(name);
    if (known) return { ok: true, hasConda: !name.startsWith("minimal"), hasPython: true };
  } else if (/^(docker\.io\/)?(library\/)?python$/.test(lower)) {
    return { ok: true, hasConda: false, hasPython: true };
  } else if (/^(docker\.io\/)?(library\/)?ubuntu$/.test(lower)) {
    return { ok: true, hasConda: false, hasPython: false };
  } else if (/^(docker\.io\/)?(continuumio\/miniconda3|condaforge\/miniforge3|condaforge\/mambaforge)$/.test(lower)) {
    return { ok: true, hasConda: true, hasPython: true };
  } else if (acr && lower.startsWith(`${acr.toLowerCase()}/`)) {
    return { ok: true, hasConda: true, hasPython: true };
  }
  if (lower.includes(".") && lower.split("/")[0]?.includes(".")) {
    return { ok: false, message: `Error response from daemon: manifest for ${repo}:${tag} not found: manifest unknown: manifest tagged by "${tag}" is not found` };
  }
  return { ok: false, message: `Error response from daemon: pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied` };
}

function applyConfigFile(state: ShellState, path: string, content: string): void {
  if (/(^|\/)pip\.conf$|(^|\/)pip\.ini$/.test(path)) {
    const conf = parsePipConf(content);
    if (conf.indexUrl) state.pip.indexUrl = conf.indexUrl;
    if (conf.extraIndexUrls.length) state.pip.extraIndexUrls = conf.extraIndexUrls;
  }
  if (/(^|\/)\.condarc$|\/condarc$/.test(path)) {
    const rc = parseCondarc(content);
    if (rc.channels) state.condaChannels = rc.channels;
  }
}

function parseEnv(args: string): [string, string][] {
  if (!args.includes("=")) {
    const [k = "", ...v] = args.split(/\s+/);
    return [[k, v.join(" ")]];
  }
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g)].map((m) => [m[1] ?? "", m[3] ?? m[4] ?? m[5] ?? ""]);
}

function joinPath(workdir: string, p: string): string {
  const expanded = p.replace(/^~|^\$HOME/, "/root");
  if (expanded.startsWith("/")) return expanded;
  return `${workdir.replace(/\/$/, "")}/${expanded.replace(/^\.\//, "")}`;
}

function versionFromFilename(filename: string, normalized: string): string | undefined {
  const stem = normalized.replace(/-/g, "_");
  const wheel = new RegExp(`^${stem}-([^-]+)-`, "i").exec(filename.replace(/-/g, "-"));
  if (filename.endsWith(".whl") && wheel?.[1]) return wheel[1];
  const sdist = new RegExp(`^(?:${stem}|${normalized})-(.+)\\.(tar\\.gz|zip)$`, "i").exec(filename);
  return sdist?.[1];
}

function maskUrl(url: string): string {
  return url.replace(/\/\/([^/@:]+):[^@/]+@/, "//$1:****@");
}

function hashName(s: string): string {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, "0").repeat(4);
}

/** Authorization headers by origin (scheme://host:port), from workspace connections that cover an index. */
type OriginAuth = Map<string, string>;

/**
 * As pip does with an index's credentials, a connection's credentials go with every request to
 * the index's host and port (its project pages, files and metadata), and nowhere else.
 */
function connectionAuth(indexes: string[], input: BuildInput): OriginAuth {
  const auth: OriginAuth = new Map();
  for (const index of indexes) {
    const header = input.feedAuthorization?.(index);
    if (!header) continue;
    try {
      const origin = new URL(index).origin;
      if (!auth.has(origin)) auth.set(origin, header);
    } catch {
      // not a URL: pip skips it too
    }
  }
  return auth;
}

/**
 * GET through the sandbox (credentials from the URL become Basic auth, as pip and conda do; else a
 * workspace connection's for the origin). status -1 = unreachable.
 */
function httpGet(url: string, input: BuildInput, accept: string, auth?: OriginAuth): Promise<{ status: number; reason?: string; body: string; sentCredentials: boolean }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve({ status: -1, body: "", sentCredentials: false });
  }
  const origin = input.resolveOrigin(parsed);
  if (!origin) return Promise.resolve({ status: -1, body: "", sentCredentials: false });
  const target = new URL(`${parsed.pathname}${parsed.search}`, origin);
  const headers: Record<string, string> = { accept, "user-agent": "pip/23.3.1 (azureml image build)" };
  if (parsed.username) headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString("base64")}`;
  else {
    const fromConnection = auth?.get(parsed.origin);
    if (fromConnection) headers.authorization = fromConnection;
  }
  const sentCredentials = headers.authorization !== undefined;
  return new Promise((resolve) => {
    const req = request(target, { method: "GET", ca: input.ca, headers, timeout: 15000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          const next = new URL(res.headers.location, url);
          if (parsed.username) {
            next.username = parsed.username;
            next.password = parsed.password;
          }
          resolve(httpGet(next.toString(), input, accept, auth));
          return;
        }
        resolve({ status, reason: res.statusMessage, body: Buffer.concat(chunks).toString("utf8"), sentCredentials });
      });
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve({ status: -1, body: "", sentCredentials }));
    req.end();
  });
}
