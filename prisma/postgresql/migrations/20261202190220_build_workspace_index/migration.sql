-- DropIndex
DROP INDEX "EnvironmentBuild_workspaceId_queuedAt_idx";

-- CreateIndex
CREATE INDEX "EnvironmentBuild_workspaceId_queuedAt_id_status_teamId_dura_idx" ON "EnvironmentBuild"("workspaceId", "queuedAt", "id", "status", "teamId", "durationMs");
