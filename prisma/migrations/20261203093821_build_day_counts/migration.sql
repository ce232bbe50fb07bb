-- CreateTable
CREATE TABLE "BuildDayCount" (
    "day" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    PRIMARY KEY ("day", "teamId", "workspaceId", "status")
);

-- CreateIndex
CREATE INDEX "BuildDayCount_teamId_day_idx" ON "BuildDayCount"("teamId", "day");

-- CreateIndex
CREATE INDEX "BuildDayCount_workspaceId_day_idx" ON "BuildDayCount"("workspaceId", "day");

-- Raw SQL below (Prisma has no triggers). BuildDayCount counts builds per (UTC day of queuedAt,
-- team, workspace, status); these triggers on EnvironmentBuild are its only writers, so the
-- dashboard's trend and window counts (lib/builds/build-stats.ts) read a few hundred rows at any
-- fleet size. A row may reach n = 0 and stay: sums ignore it.
CREATE TRIGGER "EnvironmentBuild_day_count_insert" AFTER INSERT ON "EnvironmentBuild" BEGIN
  INSERT INTO "BuildDayCount" ("day", "teamId", "workspaceId", "status", "n")
    VALUES (substr(NEW."queuedAt", 1, 10), NEW."teamId", NEW."workspaceId", NEW."status", 1)
    ON CONFLICT ("day", "teamId", "workspaceId", "status") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "EnvironmentBuild_day_count_update" AFTER UPDATE OF "queuedAt", "teamId", "workspaceId", "status" ON "EnvironmentBuild"
  WHEN OLD."status" IS NOT NEW."status" OR substr(OLD."queuedAt", 1, 10) IS NOT substr(NEW."queuedAt", 1, 10) OR OLD."teamId" IS NOT NEW."teamId" OR OLD."workspaceId" IS NOT NEW."workspaceId"
BEGIN
  UPDATE "BuildDayCount" SET "n" = "n" - 1
    WHERE "day" = substr(OLD."queuedAt", 1, 10) AND "teamId" = OLD."teamId" AND "workspaceId" = OLD."workspaceId" AND "status" = OLD."status";
  INSERT INTO "BuildDayCount" ("day", "teamId", "workspaceId", "status", "n")
    VALUES (substr(NEW."queuedAt", 1, 10), NEW."teamId", NEW."workspaceId", NEW."status", 1)
    ON CONFLICT ("day", "teamId", "workspaceId", "status") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "EnvironmentBuild_day_count_delete" AFTER DELETE ON "EnvironmentBuild" BEGIN
  UPDATE "BuildDayCount" SET "n" = "n" - 1
    WHERE "day" = substr(OLD."queuedAt", 1, 10) AND "teamId" = OLD."teamId" AND "workspaceId" = OLD."workspaceId" AND "status" = OLD."status";
END;

INSERT INTO "BuildDayCount" ("day", "teamId", "workspaceId", "status", "n")
  SELECT substr("queuedAt", 1, 10), "teamId", "workspaceId", "status", COUNT(*) FROM "EnvironmentBuild" GROUP BY 1, 2, 3, 4;
