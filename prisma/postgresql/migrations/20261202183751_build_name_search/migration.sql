-- pg_trgm (a trusted extension: the database owner may create it) for the GIN index below.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- DropIndex
DROP INDEX "EnvironmentBuild_environmentName_idx";

-- DropIndex
DROP INDEX "EnvironmentBuild_teamId_queuedAt_status_idx";

-- CreateTable
CREATE TABLE "BuildEnvironmentName" (
    "name" TEXT NOT NULL,

    CONSTRAINT "BuildEnvironmentName_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "BuildEnvironmentName_name_trgm_idx" ON "BuildEnvironmentName" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_queuedAt_id_status_idx" ON "EnvironmentBuild"("teamId", "queuedAt", "id", "status");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_finishedAt_status_idx" ON "EnvironmentBuild"("teamId", "finishedAt", "status");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_environmentName_queuedAt_status_teamId_dur_idx" ON "EnvironmentBuild"("environmentName", "queuedAt", "status", "teamId", "durationMs");

-- Raw SQL below (Prisma has no triggers). BuildEnvironmentName holds every distinct build
-- environment name, written by triggers on EnvironmentBuild, so the builds search
-- (lib/builds/search-names.ts) finds matching names through the trigram index.
CREATE FUNCTION "BuildEnvironmentName_from_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "BuildEnvironmentName" ("name") SELECT DISTINCT "environmentName" FROM inserted ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE FUNCTION "BuildEnvironmentName_from_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "BuildEnvironmentName" ("name") VALUES (NEW."environmentName") ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER "EnvironmentBuild_name_insert" AFTER INSERT ON "EnvironmentBuild" REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "BuildEnvironmentName_from_inserted"();

CREATE TRIGGER "EnvironmentBuild_name_update" AFTER UPDATE OF "environmentName" ON "EnvironmentBuild" FOR EACH ROW EXECUTE FUNCTION "BuildEnvironmentName_from_row"();

INSERT INTO "BuildEnvironmentName" ("name") SELECT DISTINCT "environmentName" FROM "EnvironmentBuild" ON CONFLICT DO NOTHING;
