/**
 * The client configuration files a feed offers for download, rendered by the pure generators in
 * lib/feed-config from the feed's stored URLs. Pure: callers load and authorise the feed first.
 */
import { feedRepositorySchema, readJsonList } from "@/lib/db/json-columns";
import { BASE_IMAGE_IDS } from "@/lib/validation/base-images";
import { renderCondarc, renderDockerfile, renderPipConf, renderSetupScript, type FeedClient } from "@/lib/feed-config/render";

export const FEED_CONFIG_FILES = ["pip.conf", "condarc", "setup.sh", "Dockerfile"] as const;
export type FeedConfigFile = (typeof FEED_CONFIG_FILES)[number];

export const FEED_CONFIG_FILE_INFO: Record<FeedConfigFile, { label: string; downloadName: string; contentType: string; install: string }> = {
  "pip.conf": { label: "pip.conf", downloadName: "pip.conf", contentType: "text/plain; charset=utf-8", install: "mkdir -p ~/.config/pip && cp pip.conf ~/.config/pip/pip.conf" },
  condarc: { label: ".condarc", downloadName: "condarc", contentType: "application/x-yaml; charset=utf-8", install: "cp condarc ~/.condarc" },
  "setup.sh": { label: "Compute-instance setup script", downloadName: "feedgate-setup.sh", contentType: "text/x-shellscript; charset=utf-8", install: "bash feedgate-setup.sh   # or add it as the compute instance's setup script" },
  Dockerfile: { label: "Dockerfile snippet", downloadName: "Dockerfile", contentType: "text/plain; charset=utf-8", install: "Paste into your environment's Dockerfile, after FROM" },
};

export const VERIFY_STEPS = [
  { command: "pip config list", expect: "global.index-url points at the feed's pip index" },
  { command: "pip download --no-deps --dest /tmp/feedgate-check <a package you use>", expect: "the download line shows the feed's host" },
  { command: "conda config --show channels", expect: "only the feed's conda channels (no defaults)" },
] as const;

export interface FeedUrls {
  pipIndexUrl: string | null;
  condaChannelUrl: string | null;
  repositories: unknown;
}

export function isFeedConfigFile(value: string): value is FeedConfigFile {
  return (FEED_CONFIG_FILES as readonly string[]).includes(value);
}

/** The feed as the renderers want it, or null while it has no pip index yet. */
export function feedClientOf(feed: FeedUrls): FeedClient | null {
  if (!feed.pipIndexUrl) return null;
  const fromRepositories = readJsonList(feedRepositorySchema, feed.repositories).flatMap((r) => (r.format === "conda" ? [r.url] : []));
  const condaChannelUrls = [...new Set(fromRepositories.length ? fromRepositories : feed.condaChannelUrl ? [feed.condaChannelUrl] : [])];
  return { pipIndexUrl: feed.pipIndexUrl, condaChannelUrls };
}

/** The file's text, or null when the feed has nothing of that kind (no conda on Azure Artifacts). */
export function renderFeedConfigFile(client: FeedClient, file: FeedConfigFile): string | null {
  switch (file) {
    case "pip.conf":
      return renderPipConf(client);
    case "condarc":
      return client.condaChannelUrls.length ? renderCondarc(client) : null;
    case "setup.sh":
      return renderSetupScript(client);
    case "Dockerfile":
      return renderDockerfile({ baseImage: BASE_IMAGE_IDS[0], conda: [], pip: [] }, client);
  }
}
