/**
 * Derives prisma/postgresql/schema.prisma from prisma/schema.prisma (SQLite, the file to edit):
 * same models, provider "postgresql", client generated to generated/prisma-postgresql, and each
 * `// postgresql-only: <line>` comment uncommented (attributes SQLite does not have).
 *   tsx prisma/tooling/derive-schemas.ts          write it
 *   tsx prisma/tooling/derive-schemas.ts --check  exit 1 if it is stale (for CI)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const SRC = "prisma/schema.prisma";
const OUT = "prisma/postgresql/schema.prisma";

const src = readFileSync(SRC, "utf8");
let hits = 0;
const body = src
  .replace(/(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*)"sqlite"/, (_m, p: string) => (hits++, `${p}"postgresql"`))
  .replace(/(generator\s+client\s*\{[^}]*?output\s*=\s*)"\.\.\/generated\/prisma"/, (_m, p: string) => (hits++, `${p}"../../generated/prisma-postgresql"`))
  // `// postgresql-only: <line>` keeps a PostgreSQL-only attribute (a GIN index, say) out of the SQLite schema.
  .replace(/^(\s*)\/\/ postgresql-only: (.*)$/gm, "$1$2");
if (hits !== 2) throw new Error(`${SRC}: expected provider = "sqlite" and output = "../generated/prisma"`);
const out = `// GENERATED from ${SRC} by prisma/tooling/derive-schemas.ts — do not edit.\n\n${body}`;

const current = existsSync(OUT) ? readFileSync(OUT, "utf8") : "";
if (process.argv.includes("--check")) {
  if (current !== out) {
    console.error(`${OUT} is stale: run npm run db:generate`);
    process.exit(1);
  }
} else if (current !== out) {
  mkdirSync("prisma/postgresql", { recursive: true });
  writeFileSync(OUT, out);
  console.log(`wrote ${OUT}`);
}
