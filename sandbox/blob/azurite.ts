import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { SandboxPortInUseError } from "../core/http";

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

type BlobServerInstance = { start(): Promise<void>; close(): Promise<void>; clean(): Promise<void>; getHttpServerAddress(): string };
type BlobServerClass = new (config: unknown) => BlobServerInstance;
type BlobConfigurationClass = new (...args: unknown[]) => unknown;
type ChunkStore = { setSizeLimit(bytes: number): void };

export type AzuriteHandle = { url: string; accountUrl: string; connectionString: string; close: () => Promise<void> };

/**
 * Starts Azurite's blob service in this process (HTTPS with the sandbox cert): in memory, or with
 * `location` on disk there (metadata in LokiJS files, blob content in __blobstorage__/), kept on close.
 * The package's `main` is the VS Code extension, so the server classes are deep-required from dist/.
 */
export async function startAzurite(options: { certFile: string; keyFile: string; port?: number; memoryLimitMB?: number; location?: string }): Promise<AzuriteHandle> {
  const req = createRequire(__filename);
  const BlobServer = defaultExport<BlobServerClass>(req("azurite/dist/src/blob/BlobServer"));
  const BlobConfiguration = defaultExport<BlobConfigurationClass>(req("azurite/dist/src/blob/BlobConfiguration"));
  const memory = req("azurite/dist/src/common/persistence/MemoryExtentStore") as { SharedChunkStore: ChunkStore };
  const constants = req("azurite/dist/src/blob/utils/constants") as { DEFAULT_BLOB_PERSISTENCE_ARRAY: unknown };
  memory.SharedChunkStore.setSizeLimit((options.memoryLimitMB ?? 256) * 1024 * 1024);
  const location = options.location;
  if (location) mkdirSync(location, { recursive: true });
  const config = new BlobConfiguration(
    "127.0.0.1",
    options.port ?? 0,
    5,
    location ? path.join(location, "__azurite_db_blob__.json") : "__azurite_db_blob__.json",
    location ? path.join(location, "__azurite_db_blob_extent__.json") : "__azurite_db_blob_extent__.json",
    location ? [{ locationId: "Default", locationPath: path.join(location, "__blobstorage__"), maxConcurrency: 1 }] : constants.DEFAULT_BLOB_PERSISTENCE_ARRAY,
    false,
    undefined,
    false,
    undefined,
    false,
    true, // skipApiVersionCheck: storage-blob 12.34 sends a newer x-ms-version than Azurite 3.37 knows
    options.certFile,
    options.keyFile,
    "",
    undefined,
    false,
    !location, // in-memory persistence unless a location is given
  );
  const server = new BlobServer(config);
  await server.start().catch((error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? new SandboxPortInUseError("blob", options.port ?? 0) : error;
  });
  const url = server.getHttpServerAddress().replace(/\/$/, "");
  const accountUrl = `${url}/${AZURITE_ACCOUNT}`;
  return {
    url,
    accountUrl,
    connectionString: `DefaultEndpointsProtocol=https;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${accountUrl};`,
    close: async () => {
      await server.close();
      // clean() deletes the blobs: only for the in-memory store.
      if (!location) await server.clean().catch(() => undefined);
    },
  };
}

function defaultExport<T>(mod: unknown): T {
  const m = mod as { default?: T };
  return (m.default ?? mod) as T;
}
