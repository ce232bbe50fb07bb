-- CreateTable
CREATE TABLE "BuildNameCount" (
    "name" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "BuildNameCount_pkey" PRIMARY KEY ("name","teamId")
);

-- Raw SQL below (Prisma has no triggers): these triggers on EnvironmentBuild are BuildNameCount's
-- only writers. Inserts and deletes count a whole statement at once; an update moves one build
-- only when its name or team changed. A row may reach n = 0 and stay: sums ignore it.
CREATE FUNCTION "BuildNameCount_from_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "BuildNameCount" ("name", "teamId", "n")
    SELECT "environmentName", "teamId", COUNT(*) FROM inserted GROUP BY 1, 2
    ON CONFLICT ("name", "teamId") DO UPDATE SET "n" = "BuildNameCount"."n" + EXCLUDED."n";
  RETURN NULL;
END
$$;

CREATE FUNCTION "BuildNameCount_from_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "BuildNameCount" AS c SET "n" = c."n" - d."n"
    FROM (SELECT "environmentName" AS "name", "teamId", COUNT(*) AS "n" FROM deleted GROUP BY 1, 2) AS d
    WHERE c."name" = d."name" AND c."teamId" = d."teamId";
  RETURN NULL;
END
$$;

CREATE FUNCTION "BuildNameCount_from_updated_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "BuildNameCount" SET "n" = "n" - 1 WHERE "name" = OLD."environmentName" AND "teamId" = OLD."teamId";
  INSERT INTO "BuildNameCount" ("name", "teamId", "n") VALUES (NEW."environmentName", NEW."teamId", 1)
    ON CONFLICT ("name", "teamId") DO UPDATE SET "n" = "BuildNameCount"."n" + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "EnvironmentBuild_name_count_insert" AFTER INSERT ON "EnvironmentBuild" REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "BuildNameCount_from_inserted"();

CREATE TRIGGER "EnvironmentBuild_name_count_delete" AFTER DELETE ON "EnvironmentBuild" REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "BuildNameCount_from_deleted"();

CREATE TRIGGER "EnvironmentBuild_name_count_update" AFTER UPDATE OF "environmentName", "teamId" ON "EnvironmentBuild" FOR EACH ROW
  WHEN (OLD."environmentName" IS DISTINCT FROM NEW."environmentName" OR OLD."teamId" IS DISTINCT FROM NEW."teamId")
  EXECUTE FUNCTION "BuildNameCount_from_updated_row"();

INSERT INTO "BuildNameCount" ("name", "teamId", "n")
  SELECT "environmentName", "teamId", COUNT(*) FROM "EnvironmentBuild" GROUP BY 1, 2;
