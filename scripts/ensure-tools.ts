/**
 * The first step of `npm test`: the real clients the tests drive must be on this machine, namely
 * Debian's Chromium (Playwright, at CHROMIUM_PATH or /usr/bin/chromium; Playwright never
 * downloads its own) and shellcheck (the generated setup script is checked with it).
 * Missing ones are installed with apt-get when running as root on Debian; otherwise this stops
 * with one line saying exactly what to install, never a stack trace.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

interface Tool {
  name: string;
  debianPackage: string;
  isPresent: () => boolean;
}

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TOOLS: Tool[] = [
  { name: `Chromium (${chromiumPath})`, debianPackage: "chromium", isPresent: () => isExecutable(chromiumPath) },
  { name: "shellcheck", debianPackage: "shellcheck", isPresent: () => spawnSync("shellcheck", ["--version"], { stdio: "ignore" }).status === 0 },
];

function main(): number {
  const missing = TOOLS.filter((t) => !t.isPresent());
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
    console.error(`npm test: ${still.map((t) => t.name).join(" and ")} still missing after apt-get; set CHROMIUM_PATH if Chromium lives elsewhere.`);
    return 1;
  }
  console.error(`npm test needs ${missing.map((t) => t.name).join(" and ")}: run \`sudo apt-get install -y ${packages.join(" ")}\`${missing.some((t) => t.debianPackage === "chromium") ? " (or set CHROMIUM_PATH to a Chromium binary)" : ""}, then npm test again.`);
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

process.exit(main());
