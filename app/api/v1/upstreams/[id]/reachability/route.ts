import { apiRoute, idPath } from "@/lib/http/api-route";
import { checkUpstreamById } from "@/lib/upstreams/check-upstream-by-id";

export const dynamic = "force-dynamic";

/** GET — Approvers only: does the upstream's URL answer now (SSRF-safe, short deadline)? */
export const GET = apiRoute({ params: idPath }, async ({ db, user, params }) => checkUpstreamById(db, user, params.id));
