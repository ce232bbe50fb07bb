/**
 * `npm run db:seed`: the idempotent demo seed against DATABASE_URL.
 * `--nexus-url URL --nexus-credential-ref REF` point the demo Nexus host at the running sandbox.
 */
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { seedDemoData } from "./seed";

const { values } = parseArgs({ options: { "nexus-url": { type: "string" }, "nexus-credential-ref": { type: "string" } } });
const db = createDb(env.DATABASE_URL);
seedDemoData(db, { nexusBaseUrl: values["nexus-url"], nexusCredentialRef: values["nexus-credential-ref"] })
  .then(() => console.log("seed: demo data is in place"))
  .finally(() => db.$disconnect())
  .catch((error: unknown) => {
    console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
