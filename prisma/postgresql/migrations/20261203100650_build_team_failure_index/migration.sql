-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_failureClass_queuedAt_id_idx" ON "EnvironmentBuild"("teamId", "failureClass", "queuedAt", "id");
