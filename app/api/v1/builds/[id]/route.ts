import { getBuild } from "@/lib/builds/get-build";
import { apiRoute, idPath } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** GET — one build with phases, effective sources, Dockerfile, failure guidance and the diff against the last success. */
export const GET = apiRoute({ params: idPath }, async ({ db, user, params }) => getBuild(db, user, params.id));
