/** Recognising database errors the domain turns into answers. */
import { Prisma } from "@/generated/prisma/client";

/**
 * A unique constraint refused the write (Prisma's P2002). Both generated clients (SQLite and
 * PostgreSQL) share Prisma's runtime classes; the code check also covers an error that crossed a
 * boundary where the class identity was lost (a rethrown plain object with the same code).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
