/** `npm run db:seed`: the idempotent demo seed against DATABASE_URL. */
import { createDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { seedDemoData } from "./seed";

const db = createDb(env.DATABASE_URL);
seedDemoData(db)
  .then(() => console.log("seed: demo data is in place"))
  .finally(() => db.$disconnect())
  .catch((error: unknown) => {
    console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
