import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { certificateSerial, loadSandboxTls } from "../core/tls";

/** A self-signed certificate with the given serial, signed with a fast native key. */
function certificateWithSerial(serialHex: string): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = serialHex;
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: "commonName", value: "serial test" }]);
  cert.setIssuer([{ name: "commonName", value: "serial test" }]);
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key };
}

describe("the sandbox's certificate serials", () => {
  it("are 16 positive bytes that OpenSSL accepts whatever the random bytes are", () => {
    const edges = [Buffer.alloc(16, 0x00), Buffer.alloc(16, 0xff), Buffer.from([0x80, ...Array(15).fill(0)]), Buffer.from([0x01, 0x00, 0x7f, ...Array(13).fill(1)])];
    for (const random of edges) {
      const serial = certificateSerial(random);
      expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
      const { cert, key } = certificateWithSerial(serial);
      expect(new X509Certificate(cert).serialNumber.toLowerCase()).toBe(serial);
      expect(() => tls.createSecureContext({ cert, key })).not.toThrow();
    }
  });

  it("the encoding it replaces, a leading zero byte before a low byte, is what OpenSSL refuses", () => {
    // The old serial was "0" + the hex of 15 random bytes; a first random byte of zero padded it.
    const { cert, key } = certificateWithSerial("0" + "00" + "1c" + "ab".repeat(13));
    expect(() => tls.createSecureContext({ cert, key })).toThrow(/illegal padding/);
  });

  it("refuses anything but 16 random bytes", () => {
    expect(() => certificateSerial(new Uint8Array(15))).toThrow(/16 random bytes/);
  });

  it("a generated CA and server certificate load into a TLS context", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "feedgate-tls-"));
    try {
      const material = loadSandboxTls(dir);
      expect(() => tls.createSecureContext({ cert: material.cert, key: material.key, ca: material.ca })).not.toThrow();
      const server = new X509Certificate(material.cert);
      expect(server.verify(new X509Certificate(material.ca).publicKey)).toBe(true);
      expect(server.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
