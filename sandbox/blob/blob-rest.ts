import { request } from "node:https";
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobSASPermissions,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "./azurite";

const X_MS_VERSION = "2025-01-05";

/**
 * The sandbox's own access to Azurite: plain HTTPS with an account SAS and an explicit CA, so it
 * works whether or not this process was started with NODE_EXTRA_CA_CERTS. (The SDK is still the
 * portal's and the tests' client; this is only the imitated cloud reading its own storage.)
 */
export class SandboxBlobAccess {
  private readonly credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  private readonly sas: string;

  constructor(
    readonly accountUrl: string,
    private readonly ca: string,
  ) {
    this.sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3650 * 24 * 3600 * 1000),
        permissions: AccountSASPermissions.parse("rwdlacup"),
        resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
        services: AccountSASServices.parse("b").toString(),
        protocol: SASProtocol.Https,
      },
      this.credential,
    ).toString();
  }

  async createContainer(container: string): Promise<void> {
    const res = await this.send("PUT", `${this.accountUrl}/${container}?restype=container&${this.sas}`);
    if (res.status !== 201 && res.status !== 409) throw new Error(`create container ${container}: ${res.status}`);
  }

  async listBlobs(container: string, prefix: string): Promise<string[] | "no-container"> {
    const names: string[] = [];
    let marker = "";
    for (;;) {
      const res = await this.send("GET", `${this.accountUrl}/${container}?restype=container&comp=list&prefix=${encodeURIComponent(prefix)}${marker ? `&marker=${encodeURIComponent(marker)}` : ""}&${this.sas}`);
      if (res.status === 404) return "no-container";
      if (res.status !== 200) throw new Error(`list ${container}: ${res.status}`);
      const xml = res.body.toString("utf8");
      for (const m of xml.matchAll(/<Blob>\s*<Name>([^<]*)<\/Name>/g)) if (m[1] !== undefined) names.push(decodeXml(m[1]));
      marker = /<NextMarker>([^<]+)<\/NextMarker>/.exec(xml)?.[1] ?? "";
      if (!marker) return names;
    }
  }

  async getBlob(container: string, name: string): Promise<Buffer | undefined> {
    const res = await this.send("GET", `${this.blobUrl(container, name)}?${this.sas}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`get ${container}/${name}: ${res.status}`);
    return res.body;
  }

  async createAppendBlob(container: string, name: string, contentType = "text/plain; charset=utf-8"): Promise<void> {
    const res = await this.send("PUT", `${this.blobUrl(container, name)}?${this.sas}`, Buffer.alloc(0), { "x-ms-blob-type": "AppendBlob", "x-ms-blob-content-type": contentType });
    if (res.status !== 201) throw new Error(`create append blob ${name}: ${res.status}`);
  }

  async appendBlock(container: string, name: string, data: string): Promise<void> {
    if (!data) return;
    const res = await this.send("PUT", `${this.blobUrl(container, name)}?comp=appendblock&${this.sas}`, Buffer.from(data));
    if (res.status !== 201) throw new Error(`append ${name}: ${res.status}`);
  }

  /** A read-only SAS URL for one blob, as AML hands out for build logs. */
  readSasUrl(container: string, name: string, hours = 24): string {
    const sas = generateBlobSASQueryParameters(
      { containerName: container, blobName: name, permissions: BlobSASPermissions.parse("r"), expiresOn: new Date(Date.now() + hours * 3600 * 1000), protocol: SASProtocol.Https },
      this.credential,
    ).toString();
    return `${this.blobUrl(container, name)}?${sas}`;
  }

  blobUrl(container: string, name: string): string {
    return `${this.accountUrl}/${container}/${name.split("/").map(encodeURIComponent).join("/")}`;
  }

  private send(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method, ca: this.ca, headers: { "x-ms-version": X_MS_VERSION, "x-ms-date": new Date().toUTCString(), "content-length": String(body?.length ?? 0), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }
}

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}
