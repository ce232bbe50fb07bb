-- CreateTable
CREATE TABLE "BuildLock" (
    "buildId" TEXT NOT NULL PRIMARY KEY,
    "pip" TEXT NOT NULL,
    "conda" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BuildLock_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "EnvironmentBuild" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
