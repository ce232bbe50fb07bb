-- CreateTable
CREATE TABLE "AmlRegistry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "armId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "resourceGroup" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AmlRegistryTeam" (
    "registryId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("registryId", "teamId"),
    CONSTRAINT "AmlRegistryTeam_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "AmlRegistry" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AmlRegistryTeam_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnvironmentPublication" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "registryId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "destinationName" TEXT NOT NULL,
    "destinationVersion" TEXT NOT NULL,
    "assetUri" TEXT,
    "operationUrl" TEXT,
    "failureMessage" TEXT,
    "jobId" TEXT,
    "requestedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "publishedAt" DATETIME,
    CONSTRAINT "EnvironmentPublication_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EnvironmentPublication_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "AmlRegistry" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AmlRegistry_armId_key" ON "AmlRegistry"("armId");

-- CreateIndex
CREATE INDEX "AmlRegistryTeam_teamId_idx" ON "AmlRegistryTeam"("teamId");

-- CreateIndex
CREATE INDEX "EnvironmentPublication_teamId_status_idx" ON "EnvironmentPublication"("teamId", "status");

-- CreateIndex
CREATE INDEX "EnvironmentPublication_registryId_idx" ON "EnvironmentPublication"("registryId");

-- CreateIndex
CREATE UNIQUE INDEX "EnvironmentPublication_environmentId_registryId_key" ON "EnvironmentPublication"("environmentId", "registryId");
