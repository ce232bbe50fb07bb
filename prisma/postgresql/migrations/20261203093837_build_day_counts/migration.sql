-- CreateTable
CREATE TABLE "BuildDayCount" (
    "day" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "status" "BuildStatus" NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "BuildDayCount_pkey" PRIMARY KEY ("day","teamId","workspaceId","status")
);

-- CreateIndex
CREATE INDEX "BuildDayCount_teamId_day_idx" ON "BuildDayCount"("teamId", "day");

-- CreateIndex
CREATE INDEX "BuildDayCount_workspaceId_day_idx" ON "BuildDayCount"("workspaceId", "day");

-- Raw SQL below (Prisma has no triggers). BuildDayCount counts builds per (UTC day of queuedAt,
-- team, workspace, status); these triggers on EnvironmentBuild are its only writers, so the
-- dashboard's trend and window counts (lib/builds/build-stats.ts) read a few hundred rows at any
-- fleet size. Inserts and deletes count a whole statement at once (createMany of a fleet is one
-- upsert per key); an update moves one build between keys only when a counted column changed.
-- A row may reach n = 0 and stay: sums ignore it.
CREATE FUNCTION "BuildDayCount_from_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "BuildDayCount" ("day", "teamId", "workspaceId", "status", "n")
    SELECT to_char("queuedAt", 'YYYY-MM-DD'), "teamId", "workspaceId", "status", COUNT(*) FROM inserted GROUP BY 1, 2, 3, 4
    ON CONFLICT ("day", "teamId", "workspaceId", "status") DO UPDATE SET "n" = "BuildDayCount"."n" + EXCLUDED."n";
  RETURN NULL;
END
$$;

CREATE FUNCTION "BuildDayCount_from_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "BuildDayCount" AS c SET "n" = c."n" - d."n"
    FROM (SELECT to_char("queuedAt", 'YYYY-MM-DD') AS "day", "teamId", "workspaceId", "status", COUNT(*) AS "n" FROM deleted GROUP BY 1, 2, 3, 4) AS d
    WHERE c."day" = d."day" AND c."teamId" = d."teamId" AND c."workspaceId" = d."workspaceId" AND c."status" = d."status";
  RETURN NULL;
END
$$;

CREATE FUNCTION "BuildDayCount_from_updated_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "BuildDayCount" SET "n" = "n" - 1
    WHERE "day" = to_char(OLD."queuedAt", 'YYYY-MM-DD') AND "teamId" = OLD."teamId" AND "workspaceId" = OLD."workspaceId" AND "status" = OLD."status";
  INSERT INTO "BuildDayCount" ("day", "teamId", "workspaceId", "status", "n")
    VALUES (to_char(NEW."queuedAt", 'YYYY-MM-DD'), NEW."teamId", NEW."workspaceId", NEW."status", 1)
    ON CONFLICT ("day", "teamId", "workspaceId", "status") DO UPDATE SET "n" = "BuildDayCount"."n" + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "EnvironmentBuild_day_count_insert" AFTER INSERT ON "EnvironmentBuild" REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "BuildDayCount_from_inserted"();

CREATE TRIGGER "EnvironmentBuild_day_count_delete" AFTER DELETE ON "EnvironmentBuild" REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "BuildDayCount_from_deleted"();

CREATE TRIGGER "EnvironmentBuild_day_count_update" AFTER UPDATE OF "queuedAt", "teamId", "workspaceId", "status" ON "EnvironmentBuild" FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR to_char(OLD."queuedAt", 'YYYY-MM-DD') IS DISTINCT FROM to_char(NEW."queuedAt", 'YYYY-MM-DD') OR OLD."teamId" IS DISTINCT FROM NEW."teamId" OR OLD."workspaceId" IS DISTINCT FROM NEW."workspaceId")
  EXECUTE FUNCTION "BuildDayCount_from_updated_row"();

INSERT INTO "BuildDayCount" ("day", "teamId", "workspaceId", "status", "n")
  SELECT to_char("queuedAt", 'YYYY-MM-DD'), "teamId", "workspaceId", "status", COUNT(*) FROM "EnvironmentBuild" GROUP BY 1, 2, 3, 4;
