-- CreateTable
CREATE TABLE "BuildNameCount" (
    "name" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    PRIMARY KEY ("name", "teamId")
);

-- Raw SQL below (Prisma has no triggers): these triggers on EnvironmentBuild are BuildNameCount's
-- only writers. A row may reach n = 0 and stay: sums ignore it.
CREATE TRIGGER "EnvironmentBuild_name_count_insert" AFTER INSERT ON "EnvironmentBuild" BEGIN
  INSERT INTO "BuildNameCount" ("name", "teamId", "n") VALUES (NEW."environmentName", NEW."teamId", 1)
    ON CONFLICT ("name", "teamId") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "EnvironmentBuild_name_count_update" AFTER UPDATE OF "environmentName", "teamId" ON "EnvironmentBuild"
  WHEN OLD."environmentName" IS NOT NEW."environmentName" OR OLD."teamId" IS NOT NEW."teamId"
BEGIN
  UPDATE "BuildNameCount" SET "n" = "n" - 1 WHERE "name" = OLD."environmentName" AND "teamId" = OLD."teamId";
  INSERT INTO "BuildNameCount" ("name", "teamId", "n") VALUES (NEW."environmentName", NEW."teamId", 1)
    ON CONFLICT ("name", "teamId") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "EnvironmentBuild_name_count_delete" AFTER DELETE ON "EnvironmentBuild" BEGIN
  UPDATE "BuildNameCount" SET "n" = "n" - 1 WHERE "name" = OLD."environmentName" AND "teamId" = OLD."teamId";
END;

INSERT INTO "BuildNameCount" ("name", "teamId", "n")
  SELECT "environmentName", "teamId", COUNT(*) FROM "EnvironmentBuild" GROUP BY 1, 2;
