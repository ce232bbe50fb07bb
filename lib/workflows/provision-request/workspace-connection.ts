/**
 * Part of step 2 for Azure Artifacts feeds: the workspace's image builds must authenticate to the
 * feed, which never serves anonymous reads. Azure ML does that with a workspace connection
 * (category PythonFeed, auth type PAT) whose target is the feed's pip index: a build sends the
 * connection's PAT with its requests to any index under that target. Nexus needs none (feed
 * registration enables anonymous read for clients inside the network).
 *
 * The PUT is idempotent (create or update), so a resumed step simply repeats it, which also hands
 * Azure ML the PAT the host's reference resolves to now. What exists is checkpointed (name,
 * target, workspace), never the PAT.
 */
import "server-only";
import type { FeedHost, Workspace } from "@/generated/prisma/client";
import { toRepositoryName } from "@/lib/validation/names";
import type { Ctx, ProvisionDeps } from "./context";
import { readStored, registrationCheckpointSchema, toStored, type ConnectionRef } from "./schema";

/** feedgate-<feed>: one connection per feed row (a team's feed on one host), at most 64 characters. */
export function feedConnectionName(feedName: string): string {
  return toRepositoryName("feedgate", feedName);
}

export async function connectWorkspaceToFeed(deps: ProvisionDeps, ctx: Ctx, input: { workspace: Workspace; host: FeedHost; feedName: string; pipIndexUrl: string }): Promise<ConnectionRef> {
  const saved = readStored(registrationCheckpointSchema, ctx.saved, "feed registration checkpoint");
  const name = feedConnectionName(input.feedName);
  const ref = { resourceGroup: input.workspace.resourceGroup, workspace: input.workspace.name };
  const { created } = await deps.cloud.connectArtifactsFeed(ref, input.host, { name, target: input.pipIndexUrl });
  const connection: ConnectionRef = { name, target: input.pipIndexUrl, workspace: input.workspace.name };
  saved.connection = connection;
  await ctx.checkpoint(toStored(saved));
  await ctx.event(
    created ? "connection.created" : "connection.updated",
    `Workspace connection ${name} (PythonFeed, PAT) ${created ? "created" : "updated"} on ${input.workspace.name}: its image builds authenticate to ${input.pipIndexUrl}.`,
    { connection: name, workspace: input.workspace.name },
  );
  return connection;
}
