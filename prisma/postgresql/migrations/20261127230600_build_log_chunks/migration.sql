-- CreateTable
CREATE TABLE "BuildLogChunk" (
    "buildId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "startByte" INTEGER NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "BuildLogChunk_pkey" PRIMARY KEY ("buildId","seq")
);

-- CreateIndex
CREATE INDEX "BuildLogChunk_buildId_startByte_idx" ON "BuildLogChunk"("buildId", "startByte");

-- AddForeignKey
ALTER TABLE "BuildLogChunk" ADD CONSTRAINT "BuildLogChunk_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "EnvironmentBuild"("id") ON DELETE CASCADE ON UPDATE CASCADE;
