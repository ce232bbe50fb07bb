/**
 * The job kinds this deployment runs. The worker claims only these kinds, so a worker built
 * from older code never picks up a job it does not know. The orchestration workflow adds its
 * definition here; test-only kinds live in lib/jobs/test-fixtures.
 */
import "server-only";
import type { JobDefinition } from "@/lib/jobs/define-job";

export const jobRegistry: readonly JobDefinition[] = [];
