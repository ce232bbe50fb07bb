import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's interpreter: its own pip is python3-pip's 23.0.1, and its venvs get 23.0.1 from python3-pip-whl; the PATH's python3 may be another. */
export const DEBIAN_PYTHON = "/usr/bin/python3";

export type PipResult = { ok: boolean; output: string };

export type PipClient = {
  /** What the tests call it in messages. */
  label: string;
  /** A scratch folder of its own (install targets go under it). */
  dir: string;
  /** The interpreter that runs this pip (and can import what it installed with --target). */
  python: string;
  /** Runs this pip with only `indexUrl` (and the sandbox CA) configured. */
  pip: (args: string[], indexUrl: string) => Promise<PipResult>;
  pipVersion: () => Promise<string>;
  remove: () => void;
};

/**
 * The machine's environment with nothing that configures pip or trust: no PIP_* (the machine sets
 * find-links, certificates and timeouts that way), no CA-bundle, SSL_CERT_* or proxy variables, no
 * PYTHON* variables; HOME in the client's own folder, so no user pip.conf either.
 */
export function hermeticPythonEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(PIP_|PYTHON|AZURE_|MSAL_)|CA_BUNDLE$|^SSL_CERT_|^(https?|all|no|ftp)_proxy$/i.test(key)) delete env[key];
  return { ...env, HOME: home, PYTHONNOUSERSITE: "1", PYTHONDONTWRITEBYTECODE: "1" };
}

/**
 * pip's whole configuration as environment variables: PIP_CONFIG_FILE=/dev/null makes pip skip every
 * config file (the machine's /etc/pip.conf, /etc/xdg/pip/pip.conf with its constraints, user and site
 * files), and the variables reach the pip that an isolated build runs to install its build tools.
 */
function pipEnv(base: NodeJS.ProcessEnv, indexUrl: string, caCertFile: string): NodeJS.ProcessEnv {
  return {
    ...base,
    PIP_CONFIG_FILE: "/dev/null",
    PIP_INDEX_URL: indexUrl,
    PIP_CERT: caCertFile,
    PIP_NO_CACHE_DIR: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PIP_DEFAULT_TIMEOUT: "30",
  };
}

function pipClient(label: string, dir: string, python: string, caCertFile: string): PipClient {
  const env = hermeticPythonEnv(dir);
  return {
    label,
    dir,
    python,
    pip: (args, indexUrl) =>
      run(python, ["-m", "pip", ...args], { env: pipEnv(env, indexUrl, caCertFile), timeout: 240_000, maxBuffer: 32 * 1024 * 1024 }).then(
        (r) => ({ ok: true, output: `${r.stdout}${r.stderr}` }),
        (error: { stdout?: string; stderr?: string; message?: string }) => ({ ok: false, output: `${error.message ?? ""}\n${error.stdout ?? ""}${error.stderr ?? ""}` }),
      ),
    pipVersion: async () => (await run(python, ["-m", "pip", "--version"], { env: { ...env, PIP_CONFIG_FILE: "/dev/null" } })).stdout.split(" ")[1] ?? "",
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh venv of `python` (with the pip its ensurepip bundles), hermetic as above, trusting only the sandbox CA. */
export async function createPipVenv(python: string, caCertFile: string, label = `${python}'s venv pip`): Promise<PipClient> {
  const dir = mkdtempSync(path.join(tmpdir(), "feedgate-pip-"));
  const venv = path.join(dir, "venv");
  await run(python, ["-m", "venv", venv], { env: hermeticPythonEnv(dir), timeout: 120_000 });
  return pipClient(label, dir, path.join(venv, "bin", "python"), caCertFile);
}

/**
 * Debian's own pip (python3-pip 23.0.1 in /usr/lib/python3/dist-packages, Debian's patches and
 * all) run by /usr/bin/python3. It refuses to install into the system (PEP 668), so installs take
 * `--target`; nothing is written outside its folder.
 */
export function debianSystemPip(caCertFile: string): PipClient {
  const dir = mkdtempSync(path.join(tmpdir(), "feedgate-pip-"));
  return pipClient("Debian's pip (/usr/bin/python3 -m pip)", dir, DEBIAN_PYTHON, caCertFile);
}

/** `url` with user and password in it, as pip.conf carries them. */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}
