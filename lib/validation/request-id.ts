import { z } from "zod";

/** A request id as Prisma's cuid() makes them; anything else is refused before a query. */
export const requestIdSchema = z.string().regex(/^[a-z0-9]{8,40}$/, "is not a request id");
