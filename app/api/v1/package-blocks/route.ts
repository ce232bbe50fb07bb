import { apiRoute } from "@/lib/http/api-route";
import { blockPackage, listPackageBlocks } from "@/lib/policy/package-blocks";
import { packageBlockInputSchema } from "@/lib/policy/policy-schemas";

export const dynamic = "force-dynamic";

/** The organisation's block-list, part of every feed's effective policy. */
export const GET = apiRoute({}, async ({ db, user }) => ({ blocks: await listPackageBlocks(db, user) }));

/** POST { name, reason } — Admins only: blocks a package on every live Nexus feed, one sync job per feed. */
export const POST = apiRoute({ body: packageBlockInputSchema, status: 201 }, async ({ db, user, body, correlationId }) => blockPackage(db, user, body, correlationId));
