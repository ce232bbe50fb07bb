-- CreateTable
CREATE TABLE "BuildLock" (
    "buildId" TEXT NOT NULL,
    "pip" TEXT NOT NULL,
    "conda" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BuildLock_pkey" PRIMARY KEY ("buildId")
);

-- AddForeignKey
ALTER TABLE "BuildLock" ADD CONSTRAINT "BuildLock_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "EnvironmentBuild"("id") ON DELETE CASCADE ON UPDATE CASCADE;
