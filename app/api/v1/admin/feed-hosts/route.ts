import { listFeedHostsForAdmin, registerFeedHost } from "@/lib/feed-hosts/admin-feed-hosts";
import { apiRoute } from "@/lib/http/api-route";
import { registerFeedHostSchema } from "@/lib/validation/admin-feed-hosts";

export const dynamic = "force-dynamic";

/** GET — Admins: every feed host with its credential reference (never a secret) and last connection test. */
export const GET = apiRoute({}, async ({ db, user }) => ({ hosts: await listFeedHostsForAdmin(db, user) }));

/** POST — Admins: registers a Nexus host { kind: "nexus", name, baseUrl, credentialRef, caCertificate? } or an Azure Artifacts project { kind: "artifacts", name, organization, project, credentialRef }. */
export const POST = apiRoute({ body: registerFeedHostSchema, status: 201 }, async ({ db, user, body, correlationId }) => registerFeedHost(db, user, body, correlationId));
