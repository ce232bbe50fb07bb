import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureSandboxCa } from "../core/tls";

/**
 * Creates one CA for the whole sandbox test run and exports it before the test workers are
 * forked: NODE_EXTRA_CA_CERTS is only read at process start, so workers inherit the trust.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "feedgate-sandbox-ca-"));
  const files = ensureSandboxCa(dir);
  process.env.NODE_EXTRA_CA_CERTS = files.caCertFile;
  process.env.SANDBOX_CA_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
