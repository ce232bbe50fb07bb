/**
 * The first step of `npm test`: the real clients the tests drive must be on this machine, namely
 * Debian's Chromium (Playwright, at CHROMIUM_PATH or /usr/bin/chromium; Playwright never
 * downloads its own), shellcheck (the generated setup script is checked with it), and the Azure
 * and Python clients the sandbox tests run: the Azure CLI (/usr/bin/az), the Azure SDK for Python
 * (python3-azure), pip 23.0.1 (python3-pip) and venv with ensurepip (python3-venv), all for
 * Debian's /usr/bin/python3.
 * Missing ones are installed with apt-get when running as root on Debian; otherwise this stops
 * with one line saying exactly what to install, never a stack trace.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Tool {
  name: string;
  debianPackage: string;
  isPresent: () => boolean;
}

/** The Azure SDK modules the Python tests import (python3-azure ships them all). */
const AZURE_SDK_IMPORT = "import azure.mgmt.resource, azure.mgmt.machinelearningservices, azure.identity";

/** The tools `npm test` needs; the paths are parameters so that a test can point them at what is not there. */
export function requiredTools(paths: { chromium?: string; python?: string; az?: string } = {}): Tool[] {
  const chromium = paths.chromium ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const python = paths.python ?? "/usr/bin/python3";
  const az = paths.az ?? "/usr/bin/az";
  const pythonSucceeds = (args: string[]) => spawnSync(python, args, { stdio: "ignore", timeout: 60_000 }).status === 0;
  return [
    { name: `Chromium (${chromium})`, debianPackage: "chromium", isPresent: () => isExecutable(chromium) },
    { name: "shellcheck", debianPackage: "shellcheck", isPresent: () => spawnSync("shellcheck", ["--version"], { stdio: "ignore" }).status === 0 },
    { name: `the Azure CLI (${az})`, debianPackage: "azure-cli", isPresent: () => isExecutable(az) },
    { name: `the Azure SDK for ${python}`, debianPackage: "python3-azure", isPresent: () => pythonSucceeds(["-c", AZURE_SDK_IMPORT]) },
    { name: `pip for ${python}`, debianPackage: "python3-pip", isPresent: () => pythonSucceeds(["-m", "pip", "--version"]) },
    // Debian leaves ensurepip out of python3 itself; without it `python3 -m venv` cannot put pip into a venv.
    { name: `venv for ${python}`, debianPackage: "python3-venv", isPresent: () => pythonSucceeds(["-c", "import ensurepip, venv; ensurepip.version()"]) },
  ];
}

/** The one line printed when tools are missing and this process cannot install them. */
export function missingToolsMessage(missing: Tool[]): string {
  const packages = missing.map((t) => t.debianPackage);
  const chromiumHint = packages.includes("chromium") ? " (or set CHROMIUM_PATH to a Chromium binary)" : "";
  return `npm test needs ${joinNames(missing.map((t) => t.name))}: run \`sudo apt-get install -y ${packages.join(" ")}\`${chromiumHint}, then npm test again.`;
}

function joinNames(names: string[]): string {
  return names.length <= 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

function main(): number {
  const tools = requiredTools();
  const missing = tools.filter((t) => !t.isPresent());
  if (missing.length === 0) return 0;
  const packages = missing.map((t) => t.debianPackage);
  if (canInstall()) {
    console.log(`npm test: installing ${packages.join(", ")} with apt-get`);
    if (!aptInstall(packages, false) && !aptInstall(packages, true)) {
      console.error(`npm test: apt-get could not install ${packages.join(" ")}; install it and run npm test again.`);
      return 1;
    }
    const still = missing.filter((t) => !t.isPresent());
    if (still.length === 0) return 0;
    console.error(`npm test: ${joinNames(still.map((t) => t.name))} still missing after apt-get; set CHROMIUM_PATH if Chromium lives elsewhere.`);
    return 1;
  }
  console.error(missingToolsMessage(missing));
  return 1;
}

function canInstall(): boolean {
  return process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
}

function aptInstall(packages: string[], update: boolean): boolean {
  if (update && spawnSync("apt-get", ["update"], { stdio: "ignore" }).status !== 0) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  return spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...packages], { stdio: "ignore", env }).status === 0;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
