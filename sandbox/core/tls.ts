import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import forge from "node-forge";

export type SandboxCaFiles = {
  caCertFile: string;
  serverCertFile: string;
  serverKeyFile: string;
};

export type SandboxTlsMaterial = SandboxCaFiles & {
  cert: string;
  key: string;
  ca: string;
};

/**
 * Generates (once) a CA and a 127.0.0.1/localhost server certificate under `<dataDir>/tls/`.
 * The files are reused on later starts because NODE_EXTRA_CA_CERTS is read only when a
 * process starts: a regenerated CA would not be trusted by an already running portal.
 */
export function ensureSandboxCa(dataDir = "data/sandbox"): SandboxCaFiles {
  const dir = path.resolve(dataDir, "tls");
  const files: SandboxCaFiles = {
    caCertFile: path.join(dir, "ca.pem"),
    serverCertFile: path.join(dir, "server.pem"),
    serverKeyFile: path.join(dir, "server-key.pem"),
  };
  if (existsSync(files.caCertFile) && existsSync(files.serverCertFile) && existsSync(files.serverKeyFile)) {
    return files;
  }
  mkdirSync(dir, { recursive: true });
  const generated = generateCertificates();
  // Write the key and server cert before the CA: the CA file is the "done" marker checked above.
  writeFileSync(files.serverKeyFile, generated.serverKey, { mode: 0o600 });
  writeFileSync(files.serverCertFile, generated.serverCert);
  writeFileSync(files.caCertFile, generated.caCert);
  return files;
}

export function loadSandboxTls(dataDir = "data/sandbox"): SandboxTlsMaterial {
  const files = ensureSandboxCa(dataDir);
  return {
    ...files,
    cert: readFileSync(files.serverCertFile, "utf8"),
    key: readFileSync(files.serverKeyFile, "utf8"),
    ca: readFileSync(files.caCertFile, "utf8"),
  };
}

function generateCertificates(): { caCert: string; serverCert: string; serverKey: string } {
  const pki = forge.pki;
  const caKeys = pki.rsa.generateKeyPair(2048);
  const caCert = pki.createCertificate();
  caCert.publicKey = caKeys.publicKey;
  caCert.serialNumber = randomSerial();
  caCert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  caCert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const caAttrs = [
    { name: "commonName", value: "Feedgate Sandbox CA" },
    { name: "organizationName", value: "Feedgate Sandbox" },
  ];
  caCert.setSubject(caAttrs);
  caCert.setIssuer(caAttrs);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = pki.rsa.generateKeyPair(2048);
  const serverCert = pki.createCertificate();
  serverCert.publicKey = serverKeys.publicKey;
  serverCert.serialNumber = randomSerial();
  serverCert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  serverCert.validity.notAfter = new Date(Date.now() + 2 * 365 * 24 * 3600 * 1000);
  serverCert.setSubject([{ name: "commonName", value: "127.0.0.1" }]);
  serverCert.setIssuer(caAttrs);
  serverCert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  serverCert.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caCert: pki.certificateToPem(caCert),
    serverCert: pki.certificateToPem(serverCert),
    serverKey: pki.privateKeyToPem(serverKeys.privateKey),
  };
}

function randomSerial(): string {
  return certificateSerial(randomBytes(16));
}

/**
 * A certificate serial as forge's hex, from random bytes: DER wants the shortest positive
 * INTEGER, and OpenSSL 3 refuses a certificate whose serial has a redundant leading zero
 * byte ("illegal padding"). Fixing the first byte to 0x40–0x7F keeps it positive, never
 * zero and never padded, so every serial is exactly 16 bytes.
 */
export function certificateSerial(random: Uint8Array): string {
  if (random.length !== 16) throw new Error("a certificate serial takes 16 random bytes");
  const bytes = Buffer.from(random);
  bytes[0] = 0x40 | (bytes[0]! & 0x3f);
  return bytes.toString("hex");
}
