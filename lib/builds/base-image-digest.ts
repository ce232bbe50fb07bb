/**
 * The digest of the base image a build pulled, from its own log: Docker prints
 * `<tag>: Pulling from <repository>` and then `Digest: sha256:<64 hex>` for the image it resolved.
 * Pure; the first pull is the Dockerfile's FROM (Feedgate's Dockerfiles have one).
 */
export function parseBaseImageDigest(log: string): string | null {
  const lines = log.split(/\r?\n/);
  const pull = lines.findIndex((line) => /(^|\s)[A-Za-z0-9_][A-Za-z0-9._-]{0,127}: Pulling from \S+\s*$/.test(line));
  if (pull < 0) return null;
  for (const line of lines.slice(pull + 1, pull + 200)) {
    if (/: Pulling from \S+\s*$/.test(line)) return null;
    const digest = /(?:^|\s)Digest: (sha256:[a-f0-9]{64})\s*$/.exec(line)?.[1];
    if (digest) return digest;
  }
  return null;
}
