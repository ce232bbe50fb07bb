-- DropIndex
DROP INDEX "EnvironmentBuild_teamId_queuedAt_status_idx";

-- DropIndex
DROP INDEX "EnvironmentBuild_environmentName_idx";

-- CreateTable
CREATE TABLE "BuildEnvironmentName" (
    "name" TEXT NOT NULL PRIMARY KEY
);

-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_queuedAt_id_status_idx" ON "EnvironmentBuild"("teamId", "queuedAt", "id", "status");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_finishedAt_status_idx" ON "EnvironmentBuild"("teamId", "finishedAt", "status");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_environmentName_queuedAt_status_teamId_durationMs_idx" ON "EnvironmentBuild"("environmentName", "queuedAt", "status", "teamId", "durationMs");

-- Raw SQL below (Prisma has no triggers or FTS5). BuildEnvironmentName holds every distinct
-- build environment name, written by triggers on EnvironmentBuild; an FTS5 trigram table mirrors
-- it so the builds search (lib/builds/search-names.ts) finds matching names through an index.
CREATE VIRTUAL TABLE "BuildEnvironmentNameFts" USING fts5("name", tokenize = 'trigram');

CREATE TRIGGER "BuildEnvironmentName_fts_insert" AFTER INSERT ON "BuildEnvironmentName" BEGIN
  INSERT INTO "BuildEnvironmentNameFts" ("name") VALUES (NEW."name");
END;

CREATE TRIGGER "BuildEnvironmentName_fts_delete" AFTER DELETE ON "BuildEnvironmentName" BEGIN
  DELETE FROM "BuildEnvironmentNameFts" WHERE "name" = OLD."name";
END;

CREATE TRIGGER "EnvironmentBuild_name_insert" AFTER INSERT ON "EnvironmentBuild" BEGIN
  INSERT OR IGNORE INTO "BuildEnvironmentName" ("name") VALUES (NEW."environmentName");
END;

CREATE TRIGGER "EnvironmentBuild_name_update" AFTER UPDATE OF "environmentName" ON "EnvironmentBuild" BEGIN
  INSERT OR IGNORE INTO "BuildEnvironmentName" ("name") VALUES (NEW."environmentName");
END;

INSERT OR IGNORE INTO "BuildEnvironmentName" ("name") SELECT DISTINCT "environmentName" FROM "EnvironmentBuild";
