/** Run by `npm start` after migrations: audits a changed security configuration (lib/audit/record-config-change.ts). */
import { randomUUID } from "node:crypto";
import { createDb } from "@/lib/db/client";
import { parseEnv } from "@/lib/env";
import { recordConfigChange } from "@/lib/audit/record-config-change";

const env = parseEnv();
const db = createDb(env.DATABASE_URL);
recordConfigChange(db, env, randomUUID())
  .then((changed) => {
    if (changed) console.log("feedgate: security configuration recorded in the audit trail (first start, or it changed)");
  })
  .finally(() => db.$disconnect())
  .catch((error: unknown) => {
    console.error(`audit-config failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
