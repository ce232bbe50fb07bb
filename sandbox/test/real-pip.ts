import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's interpreter, whose venvs get Debian's pip 23.0.1 (python3-pip-whl); the PATH's python3 may be another. */
export const DEBIAN_PYTHON = "/usr/bin/python3";

export type PipResult = { ok: boolean; output: string };

export type PipVenv = {
  dir: string;
  python: string;
  /** Runs the venv's pip with only `indexUrl` (and the sandbox CA) configured. */
  pip: (args: string[], indexUrl: string) => Promise<PipResult>;
  pipVersion: () => Promise<string>;
  remove: () => void;
};

/**
 * A fresh venv of `python` whose pip sees nothing of the machine: no PIP_* or CA-bundle variables,
 * HOME in the venv's folder, a pip.conf passed as PIP_CONFIG_FILE (read last, so it also blanks
 * machine-wide extra indexes and find-links), trust only from the sandbox CA.
 */
export async function createPipVenv(python: string, caCertFile: string): Promise<PipVenv> {
  const dir = mkdtempSync(path.join(tmpdir(), "feedgate-pip-"));
  const venv = path.join(dir, "venv");
  await run(python, ["-m", "venv", venv], { timeout: 120_000 });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^PIP_|CA_BUNDLE$|^SSL_CERT_|^PYTHON/.test(key)) delete env[key];
  Object.assign(env, { HOME: dir, PIP_NO_INPUT: "1" });
  let confs = 0;
  const pipConf = (indexUrl: string): string => {
    const file = path.join(dir, `pip-${++confs}.conf`);
    writeFileSync(file, `[global]\nindex-url = ${indexUrl}\nextra-index-url =\nfind-links =\ncert = ${caCertFile}\nno-cache-dir = true\ndisable-pip-version-check = true\ntimeout = 30\n`);
    return file;
  };
  const pythonBin = path.join(venv, "bin", "python");
  return {
    dir,
    python: pythonBin,
    pip: (args, indexUrl) =>
      run(pythonBin, ["-m", "pip", ...args], { env: { ...env, PIP_CONFIG_FILE: pipConf(indexUrl) }, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 }).then(
        (r) => ({ ok: true, output: `${r.stdout}${r.stderr}` }),
        (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
      ),
    pipVersion: async () => (await run(pythonBin, ["-m", "pip", "--version"], { env })).stdout.split(" ")[1] ?? "",
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `url` with user and password in it, as pip.conf carries them. */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}
