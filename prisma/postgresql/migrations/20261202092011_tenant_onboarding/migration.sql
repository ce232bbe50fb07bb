-- AlterEnum
ALTER TYPE "WorkspaceStatus" ADD VALUE 'MISSING';

-- AlterTable
ALTER TABLE "FeedHost" ADD COLUMN     "caCertificate" TEXT,
ADD COLUMN     "lastCheck" JSONB;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "addressPool" TEXT,
ADD COLUMN     "defaultRegion" TEXT;

-- AlterTable
ALTER TABLE "TeamMembership" ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'manual';

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "lastSeenAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "TeamGroup" (
    "teamId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamGroup_pkey" PRIMARY KEY ("teamId","groupId")
);

-- CreateIndex
CREATE INDEX "TeamGroup_groupId_idx" ON "TeamGroup"("groupId");

-- AddForeignKey
ALTER TABLE "TeamGroup" ADD CONSTRAINT "TeamGroup_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
