-- AlterTable
ALTER TABLE "Environment" ADD COLUMN "staleAt" DATETIME;
ALTER TABLE "Environment" ADD COLUMN "staleCheckedAt" DATETIME;
ALTER TABLE "Environment" ADD COLUMN "staleReasons" JSONB;
ALTER TABLE "Environment" ADD COLUMN "supersededAt" DATETIME;

-- AlterTable
ALTER TABLE "EnvironmentBuild" ADD COLUMN "baseImageDigest" TEXT;

-- CreateTable
CREATE TABLE "RebuildBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reasonKind" TEXT NOT NULL,
    "reasonSubject" TEXT NOT NULL,
    "createdByOid" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RebuildBatchItem" (
    "batchId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "fromBuildId" TEXT NOT NULL,
    "jobId" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("batchId", "environmentId"),
    CONSTRAINT "RebuildBatchItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "RebuildBatch" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RebuildBatchItem_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "RebuildBatch_createdAt_idx" ON "RebuildBatch"("createdAt");

-- CreateIndex
CREATE INDEX "RebuildBatchItem_environmentId_idx" ON "RebuildBatchItem"("environmentId");

-- CreateIndex
CREATE INDEX "Environment_staleAt_teamId_idx" ON "Environment"("staleAt", "teamId");

-- CreateIndex
CREATE INDEX "Environment_teamId_supersededAt_idx" ON "Environment"("teamId", "supersededAt");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_environmentId_status_queuedAt_idx" ON "EnvironmentBuild"("environmentId", "status", "queuedAt");
