-- CreateEnum
CREATE TYPE "PublicationStatus" AS ENUM ('QUEUED', 'PUBLISHING', 'PUBLISHED', 'FAILED');

-- CreateTable
CREATE TABLE "AmlRegistry" (
    "id" TEXT NOT NULL,
    "armId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "resourceGroup" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmlRegistry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmlRegistryTeam" (
    "registryId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmlRegistryTeam_pkey" PRIMARY KEY ("registryId","teamId")
);

-- CreateTable
CREATE TABLE "EnvironmentPublication" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "registryId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "status" "PublicationStatus" NOT NULL DEFAULT 'QUEUED',
    "destinationName" TEXT NOT NULL,
    "destinationVersion" TEXT NOT NULL,
    "assetUri" TEXT,
    "operationUrl" TEXT,
    "failureMessage" TEXT,
    "jobId" TEXT,
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "EnvironmentPublication_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "AmlRegistryTeam" ADD CONSTRAINT "AmlRegistryTeam_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "AmlRegistry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmlRegistryTeam" ADD CONSTRAINT "AmlRegistryTeam_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentPublication" ADD CONSTRAINT "EnvironmentPublication_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentPublication" ADD CONSTRAINT "EnvironmentPublication_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "AmlRegistry"("id") ON DELETE CASCADE ON UPDATE CASCADE;
