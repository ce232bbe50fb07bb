-- DropIndex
DROP INDEX "EnvironmentBuild_queuedAt_id_idx";

-- DropIndex
DROP INDEX "EnvironmentBuild_teamId_queuedAt_idx";

-- DropIndex
DROP INDEX "EnvironmentBuild_status_queuedAt_idx";

-- CreateIndex
CREATE INDEX "EnvironmentBuild_status_queuedAt_durationMs_idx" ON "EnvironmentBuild"("status", "queuedAt", "durationMs");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_queuedAt_status_idx" ON "EnvironmentBuild"("teamId", "queuedAt", "status");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_status_queuedAt_durationMs_idx" ON "EnvironmentBuild"("teamId", "status", "queuedAt", "durationMs");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_queuedAt_id_status_idx" ON "EnvironmentBuild"("queuedAt", "id", "status");
