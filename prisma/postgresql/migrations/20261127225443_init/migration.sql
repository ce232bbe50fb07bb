-- CreateEnum
CREATE TYPE "MembershipRole" AS ENUM ('MEMBER', 'OWNER');

-- CreateEnum
CREATE TYPE "WorkspaceStatus" AS ENUM ('REQUESTED', 'PROVISIONING', 'REGISTERED', 'FAILED');

-- CreateEnum
CREATE TYPE "FeedHostKind" AS ENUM ('nexus', 'artifacts');

-- CreateEnum
CREATE TYPE "FeedHostStatus" AS ENUM ('PROVISIONING', 'ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "PackageKind" AS ENUM ('pypi', 'conda');

-- CreateEnum
CREATE TYPE "UpstreamStatus" AS ENUM ('proposed', 'approved', 'declined', 'revoked');

-- CreateEnum
CREATE TYPE "FeedStatus" AS ENUM ('PENDING', 'PROVISIONING', 'READY', 'DEGRADED', 'RETIRED');

-- CreateEnum
CREATE TYPE "FeedRequestStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'AWAITING_UPSTREAM', 'APPROVED', 'DECLINED', 'PROVISIONING', 'READY', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ApprovalSubject" AS ENUM ('upstream', 'request');

-- CreateEnum
CREATE TYPE "ApprovalDecision" AS ENUM ('approve', 'decline', 'revoke');

-- CreateEnum
CREATE TYPE "BuildStatus" AS ENUM ('QUEUED', 'PROVISIONING_ACR', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "FailureClass" AS ENUM ('PACKAGE_NOT_FOUND', 'FEED_AUTH', 'FEED_POLICY', 'NETWORK_TIMEOUT', 'DOCKERFILE_ERROR', 'BASE_IMAGE_PULL', 'REGISTRY_OR_COMPUTE', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "entraOid" TEXT NOT NULL,
    "tenantId" TEXT,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "lastRoles" JSONB,
    "lastSignInAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamMembership" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "MembershipRole" NOT NULL DEFAULT 'MEMBER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamMembership_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE "Workspace" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "armId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "resourceGroup" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "publicNetworkAccess" TEXT NOT NULL DEFAULT 'Disabled',
    "network" JSONB,
    "imageBuildCompute" TEXT,
    "containerRegistryId" TEXT,
    "storageAccountId" TEXT,
    "status" "WorkspaceStatus" NOT NULL DEFAULT 'REGISTERED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedHost" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "FeedHostKind" NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "credentialRef" TEXT NOT NULL,
    "organization" TEXT,
    "project" TEXT,
    "status" "FeedHostStatus" NOT NULL DEFAULT 'ACTIVE',
    "lastCheckedAt" TIMESTAMP(3),
    "lastCheckOk" BOOLEAN,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedHost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpstreamSource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "PackageKind" NOT NULL,
    "url" TEXT NOT NULL,
    "allowList" JSONB,
    "justification" TEXT,
    "status" "UpstreamStatus" NOT NULL DEFAULT 'proposed',
    "proposedById" TEXT,
    "proposedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UpstreamSource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Feed" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "workspaceId" TEXT,
    "name" TEXT NOT NULL,
    "repositories" JSONB,
    "pipIndexUrl" TEXT,
    "condaChannelUrl" TEXT,
    "status" "FeedStatus" NOT NULL DEFAULT 'PENDING',
    "lastHealth" JSONB,
    "lastHealthAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Feed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedUpstream" (
    "feedId" TEXT NOT NULL,
    "upstreamId" TEXT NOT NULL,
    "repository" TEXT,
    "flaggedAt" TIMESTAMP(3),

    CONSTRAINT "FeedUpstream_pkey" PRIMARY KEY ("feedId","upstreamId")
);

-- CreateTable
CREATE TABLE "FeedRequest" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "submittedById" TEXT NOT NULL,
    "feedId" TEXT,
    "title" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "FeedRequestStatus" NOT NULL DEFAULT 'DRAFT',
    "statusReason" TEXT,
    "submittedAt" TIMESTAMP(3),
    "decidedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Approval" (
    "id" TEXT NOT NULL,
    "subjectType" "ApprovalSubject" NOT NULL,
    "subjectId" TEXT NOT NULL,
    "approverId" TEXT NOT NULL,
    "decision" "ApprovalDecision" NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Environment" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "requestId" TEXT,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "baseImage" TEXT NOT NULL,
    "packages" JSONB NOT NULL,
    "dockerfileHash" TEXT NOT NULL,
    "amlAssetId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Environment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnvironmentBuild" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "environmentName" TEXT NOT NULL,
    "status" "BuildStatus" NOT NULL DEFAULT 'QUEUED',
    "phaseTimings" JSONB,
    "failureClass" "FailureClass",
    "failureMessage" TEXT,
    "logLocation" TEXT,
    "logBytes" INTEGER NOT NULL DEFAULT 0,
    "statusLocation" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,

    CONSTRAINT "EnvironmentBuild_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "requestId" TEXT,
    "name" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "resourceGroup" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'Accepted',
    "operations" JSONB,
    "error" TEXT,
    "statusUrl" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "checkpoints" JSONB,
    "currentStep" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "stepAttempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "runAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "lastError" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobEvent" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "step" TEXT,
    "type" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorName" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "before" JSONB,
    "after" JSONB,
    "correlationId" TEXT NOT NULL,
    "teamId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Team_slug_key" ON "Team"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "User_entraOid_key" ON "User"("entraOid");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "TeamMembership_userId_idx" ON "TeamMembership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_armId_key" ON "Workspace"("armId");

-- CreateIndex
CREATE INDEX "Workspace_teamId_idx" ON "Workspace"("teamId");

-- CreateIndex
CREATE INDEX "Workspace_region_idx" ON "Workspace"("region");

-- CreateIndex
CREATE UNIQUE INDEX "FeedHost_name_key" ON "FeedHost"("name");

-- CreateIndex
CREATE UNIQUE INDEX "UpstreamSource_name_key" ON "UpstreamSource"("name");

-- CreateIndex
CREATE INDEX "UpstreamSource_status_proposedAt_idx" ON "UpstreamSource"("status", "proposedAt");

-- CreateIndex
CREATE UNIQUE INDEX "UpstreamSource_kind_url_key" ON "UpstreamSource"("kind", "url");

-- CreateIndex
CREATE INDEX "Feed_hostId_idx" ON "Feed"("hostId");

-- CreateIndex
CREATE INDEX "Feed_status_idx" ON "Feed"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Feed_teamId_name_key" ON "Feed"("teamId", "name");

-- CreateIndex
CREATE INDEX "FeedUpstream_upstreamId_idx" ON "FeedUpstream"("upstreamId");

-- CreateIndex
CREATE INDEX "FeedRequest_teamId_status_updatedAt_idx" ON "FeedRequest"("teamId", "status", "updatedAt");

-- CreateIndex
CREATE INDEX "FeedRequest_status_submittedAt_idx" ON "FeedRequest"("status", "submittedAt");

-- CreateIndex
CREATE INDEX "FeedRequest_submittedById_idx" ON "FeedRequest"("submittedById");

-- CreateIndex
CREATE INDEX "Approval_subjectType_subjectId_idx" ON "Approval"("subjectType", "subjectId");

-- CreateIndex
CREATE INDEX "Approval_approverId_idx" ON "Approval"("approverId");

-- CreateIndex
CREATE INDEX "Environment_teamId_name_idx" ON "Environment"("teamId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Environment_workspaceId_name_version_key" ON "Environment"("workspaceId", "name", "version");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_status_queuedAt_idx" ON "EnvironmentBuild"("status", "queuedAt");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_teamId_queuedAt_idx" ON "EnvironmentBuild"("teamId", "queuedAt");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_workspaceId_queuedAt_idx" ON "EnvironmentBuild"("workspaceId", "queuedAt");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_failureClass_queuedAt_idx" ON "EnvironmentBuild"("failureClass", "queuedAt");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_environmentName_idx" ON "EnvironmentBuild"("environmentName");

-- CreateIndex
CREATE INDEX "EnvironmentBuild_queuedAt_id_idx" ON "EnvironmentBuild"("queuedAt", "id");

-- CreateIndex
CREATE INDEX "Deployment_requestId_idx" ON "Deployment"("requestId");

-- CreateIndex
CREATE INDEX "Deployment_state_startedAt_idx" ON "Deployment"("state", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_subscriptionId_resourceGroup_name_key" ON "Deployment"("subscriptionId", "resourceGroup", "name");

-- CreateIndex
CREATE INDEX "Job_status_runAfter_idx" ON "Job"("status", "runAfter");

-- CreateIndex
CREATE INDEX "Job_leaseExpiresAt_idx" ON "Job"("leaseExpiresAt");

-- CreateIndex
CREATE INDEX "Job_subject_idx" ON "Job"("subject");

-- CreateIndex
CREATE INDEX "JobEvent_jobId_id_idx" ON "JobEvent"("jobId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_action_createdAt_idx" ON "AuditEvent"("action", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_createdAt_idx" ON "AuditEvent"("actorId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- AddForeignKey
ALTER TABLE "TeamMembership" ADD CONSTRAINT "TeamMembership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMembership" ADD CONSTRAINT "TeamMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workspace" ADD CONSTRAINT "Workspace_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Feed" ADD CONSTRAINT "Feed_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Feed" ADD CONSTRAINT "Feed_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "FeedHost"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Feed" ADD CONSTRAINT "Feed_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedUpstream" ADD CONSTRAINT "FeedUpstream_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedUpstream" ADD CONSTRAINT "FeedUpstream_upstreamId_fkey" FOREIGN KEY ("upstreamId") REFERENCES "UpstreamSource"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedRequest" ADD CONSTRAINT "FeedRequest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedRequest" ADD CONSTRAINT "FeedRequest_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Environment" ADD CONSTRAINT "Environment_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Environment" ADD CONSTRAINT "Environment_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Environment" ADD CONSTRAINT "Environment_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "FeedRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentBuild" ADD CONSTRAINT "EnvironmentBuild_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "FeedRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobEvent" ADD CONSTRAINT "JobEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
