#!/bin/sh
# Stand-in for Prisma's native schema-engine binary, which is downloaded from Prisma's
# own binary host (unreachable here). `prisma generate` only checks that the path exists.
# Migrations: npm run db:migrate:create / db:migrate:deploy (prisma/tooling/migrate.ts).
echo "prisma: the native schema engine is not installed (offline); use npm run db:migrate:create | db:migrate:deploy | db:migrate:status" >&2
exit 1
