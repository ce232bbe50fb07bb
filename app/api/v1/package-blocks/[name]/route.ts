import { z } from "zod";
import { apiRoute, pathParams } from "@/lib/http/api-route";
import { unblockPackage } from "@/lib/policy/package-blocks";
import { packageNameSchema } from "@/lib/policy/policy-schemas";

export const dynamic = "force-dynamic";

const blockPath = pathParams(z.object({ name: packageNameSchema }), "That package is not blocked.");

/** Admins only: lifts a block; every live Nexus feed follows through a sync job. */
export const DELETE = apiRoute({ params: blockPath }, async ({ db, user, params, correlationId }) => unblockPackage(db, user, params.name, correlationId));
