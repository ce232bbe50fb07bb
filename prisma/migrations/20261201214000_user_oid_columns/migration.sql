-- Columns that hold an Entra object id are named for it (…Oid), not for a User row id.
-- Renamed in place, so existing rows keep their values, and indexes follow the new names.
ALTER TABLE "UpstreamSource" RENAME COLUMN "proposedById" TO "proposedByOid";
ALTER TABLE "UpstreamSource" RENAME COLUMN "decidedById" TO "decidedByOid";
ALTER TABLE "FeedRequest" RENAME COLUMN "submittedById" TO "submittedByOid";
ALTER TABLE "Approval" RENAME COLUMN "approverId" TO "approverOid";
ALTER TABLE "AuditEvent" RENAME COLUMN "actorId" TO "actorOid";

DROP INDEX "FeedRequest_submittedById_idx";
CREATE INDEX "FeedRequest_submittedByOid_idx" ON "FeedRequest"("submittedByOid");
DROP INDEX "Approval_approverId_idx";
CREATE INDEX "Approval_approverOid_idx" ON "Approval"("approverOid");
DROP INDEX "AuditEvent_actorId_createdAt_idx";
CREATE INDEX "AuditEvent_actorOid_createdAt_idx" ON "AuditEvent"("actorOid", "createdAt");

-- Rows that a test factory (or an early build) stored with a User row id instead of the oid
-- are rewritten to the oid, so the code can compare object ids only.
UPDATE "UpstreamSource" SET "proposedByOid" = (SELECT "entraOid" FROM "User" WHERE "User"."id" = "UpstreamSource"."proposedByOid") WHERE "proposedByOid" IN (SELECT "id" FROM "User");
UPDATE "UpstreamSource" SET "decidedByOid" = (SELECT "entraOid" FROM "User" WHERE "User"."id" = "UpstreamSource"."decidedByOid") WHERE "decidedByOid" IN (SELECT "id" FROM "User");
UPDATE "FeedRequest" SET "submittedByOid" = (SELECT "entraOid" FROM "User" WHERE "User"."id" = "FeedRequest"."submittedByOid") WHERE "submittedByOid" IN (SELECT "id" FROM "User");
UPDATE "Approval" SET "approverOid" = (SELECT "entraOid" FROM "User" WHERE "User"."id" = "Approval"."approverOid") WHERE "approverOid" IN (SELECT "id" FROM "User");
