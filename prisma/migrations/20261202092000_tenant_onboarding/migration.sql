-- AlterTable
ALTER TABLE "FeedHost" ADD COLUMN "caCertificate" TEXT;
ALTER TABLE "FeedHost" ADD COLUMN "lastCheck" JSONB;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN "addressPool" TEXT;
ALTER TABLE "Team" ADD COLUMN "defaultRegion" TEXT;

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "lastSeenAt" DATETIME;

-- CreateTable
CREATE TABLE "TeamGroup" (
    "teamId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("teamId", "groupId"),
    CONSTRAINT "TeamGroup_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TeamMembership" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'MEMBER',
    "source" TEXT NOT NULL DEFAULT 'manual',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("teamId", "userId"),
    CONSTRAINT "TeamMembership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TeamMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_TeamMembership" ("createdAt", "role", "teamId", "userId") SELECT "createdAt", "role", "teamId", "userId" FROM "TeamMembership";
DROP TABLE "TeamMembership";
ALTER TABLE "new_TeamMembership" RENAME TO "TeamMembership";
CREATE INDEX "TeamMembership_userId_idx" ON "TeamMembership"("userId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "TeamGroup_groupId_idx" ON "TeamGroup"("groupId");
