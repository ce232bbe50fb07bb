-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "staleAt" TIMESTAMP(3),
ADD COLUMN     "staleCheckedAt" TIMESTAMP(3),
ADD COLUMN     "staleReasons" JSONB,
ADD COLUMN     "supersededAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "EnvironmentBuild" ADD COLUMN     "baseImageDigest" TEXT;

-- CreateTable
CREATE TABLE "RebuildBatch" (
    "id" TEXT NOT NULL,
    "reasonKind" TEXT NOT NULL,
    "reasonSubject" TEXT NOT NULL,
    "createdByOid" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RebuildBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RebuildBatchItem" (
    "batchId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "fromBuildId" TEXT NOT NULL,
    "jobId" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RebuildBatchItem_pkey" PRIMARY KEY ("batchId","environmentId")
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

-- AddForeignKey
ALTER TABLE "RebuildBatchItem" ADD CONSTRAINT "RebuildBatchItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "RebuildBatch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RebuildBatchItem" ADD CONSTRAINT "RebuildBatchItem_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
