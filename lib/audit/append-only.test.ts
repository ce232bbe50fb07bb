import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Audit rows are append-only: no source file may update, upsert or delete them. */
describe("audit trail", () => {
  it("has no update or delete path anywhere in the code", () => {
    const offenders: string[] = [];
    for (const dir of ["app", "lib", "components", "scripts", "prisma", "sandbox", "testing", "bench"]) {
      walk(path.join(root, dir), (file) => {
        if (!/\.(ts|tsx)$/.test(file) || file.endsWith(".test.ts")) return;
        const text = readFileSync(file, "utf8");
        if (/auditEvent\s*\.\s*(update|updateMany|upsert|delete|deleteMany)\b/.test(text) || /(UPDATE|DELETE FROM)\s+"?AuditEvent/i.test(text)) offenders.push(path.relative(root, file));
      });
    }
    expect(offenders).toEqual([]);
  });
});

function walk(dir: string, visit: (file: string) => void) {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) walk(p, visit);
    else visit(p);
  }
}
