#!/bin/sh
# npm run db:migrate:create -- --name <name>
# Writes the schema change as a SQLite migration (prisma/migrations) and as a PostgreSQL one
# (prisma/postgresql/migrations). By default both are computed against throwaway in-memory
# databases (SQLite :memory:, PGlite), so no database server is needed; set
# SQLITE_MIGRATE_URL / PG_MIGRATE_URL to use (and update) real development databases instead.
set -e
tsx prisma/tooling/derive-schemas.ts
DATABASE_URL="${SQLITE_MIGRATE_URL:-:memory:}" tsx prisma/tooling/migrate.ts create "$@"
DATABASE_URL="${PG_MIGRATE_URL:-pglite:memory}" tsx prisma/tooling/migrate.ts create "$@"
