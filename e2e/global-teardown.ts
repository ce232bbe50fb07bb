import { releaseE2eLock } from "./run-lock";

export default function globalTeardown() {
  if (process.env.E2E_RUN_ID) releaseE2eLock(process.env.E2E_RUN_ID);
}
