/**
 * Real pip for the journeys, run as a person on a compute instance would run it: a home of its
 * own holding the downloaded config, and nothing from this machine's pip setup (PIP_* variables,
 * CA bundles, global or user pip.conf files, wheel caches). Trust in the sandbox comes only from
 * its CA, through PIP_CERT.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What the e2e server's sandbox cloud wrote into its data folder (lib/cloud's SandboxEndpointsFile). */
export function readE2eSandbox(dataDir = "data/e2e/sandbox"): { artifacts: string; artifactsPat: string; caCertFile: string } {
  const endpoints = JSON.parse(readFileSync(path.join(dataDir, "endpoints.json"), "utf8")) as { artifacts: string; artifactsPatFile: string; caCertFile: string };
  return { artifacts: endpoints.artifacts, artifactsPat: readFileSync(endpoints.artifactsPatFile, "utf8").trim(), caCertFile: endpoints.caCertFile };
}

export interface PipHome {
  dir: string;
  /** Installs the file as ~/.config/pip/pip.conf, where the catalog tells people to put it. */
  writePipConf(text: string): void;
  /** Writes ~/.netrc (owner-only, as netrc wants it). */
  writeNetrc(text: string): void;
  /** python3 -m pip <args>; never throws, resolves the exit status and everything pip printed. */
  pip(args: string[]): Promise<{ ok: boolean; output: string }>;
  remove(): void;
}

export function createPipHome(caCertFile: string): PipHome {
  const dir = mkdtempSync(path.join(tmpdir(), "feedgate-e2e-pip-"));
  const noGlobalConfig = path.join(dir, "xdg-config-dirs");
  mkdirSync(noGlobalConfig);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^PIP_|CA_BUNDLE$|^SSL_CERT_|^PYTHON|^VIRTUAL_ENV$|^XDG_/.test(key)) delete env[key];
  Object.assign(env, {
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, ".config"),
    // /etc/xdg/pip/pip.conf is the global config pip reads through XDG_CONFIG_DIRS: point it at nothing.
    XDG_CONFIG_DIRS: noGlobalConfig,
    // /etc/pip.conf cannot be moved aside; these blank the list options it (or anything else) may set.
    PIP_EXTRA_INDEX_URL: "",
    PIP_FIND_LINKS: "",
    PIP_CONSTRAINT: "",
    PIP_CERT: caCertFile,
    PIP_NO_INPUT: "1",
    PIP_NO_CACHE_DIR: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_DEFAULT_TIMEOUT: "60",
  });
  return {
    dir,
    writePipConf(text) {
      mkdirSync(path.join(dir, ".config", "pip"), { recursive: true });
      writeFileSync(path.join(dir, ".config", "pip", "pip.conf"), text);
    },
    writeNetrc(text) {
      const file = path.join(dir, ".netrc");
      writeFileSync(file, text, { mode: 0o600 });
      chmodSync(file, 0o600);
    },
    async pip(args) {
      try {
        const { stdout, stderr } = await run("python3", ["-m", "pip", ...args], { env, cwd: dir, timeout: 180_000 });
        return { ok: true, output: `${stdout}${stderr}` };
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message?: string };
        return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}${e.stdout || e.stderr ? "" : (e.message ?? "")}` };
      }
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
