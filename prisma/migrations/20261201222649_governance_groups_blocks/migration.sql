-- AlterTable
ALTER TABLE "Feed" ADD COLUMN "groupRepository" TEXT;

-- CreateTable
CREATE TABLE "PackageBlock" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdByOid" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_FeedUpstream" (
    "feedId" TEXT NOT NULL,
    "upstreamId" TEXT NOT NULL,
    "repository" TEXT,
    "flaggedAt" DATETIME,
    "position" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("feedId", "upstreamId"),
    CONSTRAINT "FeedUpstream_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FeedUpstream_upstreamId_fkey" FOREIGN KEY ("upstreamId") REFERENCES "UpstreamSource" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_FeedUpstream" ("feedId", "flaggedAt", "repository", "upstreamId") SELECT "feedId", "flaggedAt", "repository", "upstreamId" FROM "FeedUpstream";
DROP TABLE "FeedUpstream";
ALTER TABLE "new_FeedUpstream" RENAME TO "FeedUpstream";
CREATE INDEX "FeedUpstream_upstreamId_idx" ON "FeedUpstream"("upstreamId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "PackageBlock_name_key" ON "PackageBlock"("name");
