-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "entraOid" TEXT NOT NULL,
    "tenantId" TEXT,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "lastRoles" JSONB,
    "lastSignInAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TeamMembership" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'MEMBER',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("teamId", "userId"),
    CONSTRAINT "TeamMembership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TeamMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Workspace" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "status" TEXT NOT NULL DEFAULT 'REGISTERED',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Workspace_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FeedHost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "credentialRef" TEXT NOT NULL,
    "organization" TEXT,
    "project" TEXT,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "lastCheckedAt" DATETIME,
    "lastCheckOk" BOOLEAN,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "UpstreamSource" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "allowList" JSONB,
    "justification" TEXT,
    "status" TEXT NOT NULL DEFAULT 'proposed',
    "proposedById" TEXT,
    "proposedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "decisionReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Feed" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "workspaceId" TEXT,
    "name" TEXT NOT NULL,
    "repositories" JSONB,
    "pipIndexUrl" TEXT,
    "condaChannelUrl" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "lastHealth" JSONB,
    "lastHealthAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Feed_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Feed_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "FeedHost" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Feed_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FeedUpstream" (
    "feedId" TEXT NOT NULL,
    "upstreamId" TEXT NOT NULL,
    "repository" TEXT,
    "flaggedAt" DATETIME,

    PRIMARY KEY ("feedId", "upstreamId"),
    CONSTRAINT "FeedUpstream_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FeedUpstream_upstreamId_fkey" FOREIGN KEY ("upstreamId") REFERENCES "UpstreamSource" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FeedRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "submittedById" TEXT NOT NULL,
    "feedId" TEXT,
    "title" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'DRAFT',
    "statusReason" TEXT,
    "submittedAt" DATETIME,
    "decidedAt" DATETIME,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FeedRequest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "FeedRequest_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "Feed" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Approval" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "approverId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Environment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "requestId" TEXT,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "baseImage" TEXT NOT NULL,
    "packages" JSONB NOT NULL,
    "dockerfileHash" TEXT NOT NULL,
    "amlAssetId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Environment_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Environment_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Environment_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "FeedRequest" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnvironmentBuild" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "environmentName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "phaseTimings" JSONB,
    "failureClass" TEXT,
    "failureMessage" TEXT,
    "logLocation" TEXT,
    "logBytes" INTEGER NOT NULL DEFAULT 0,
    "statusLocation" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "durationMs" INTEGER,
    CONSTRAINT "EnvironmentBuild_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "requestId" TEXT,
    "name" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "resourceGroup" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'Accepted',
    "operations" JSONB,
    "error" TEXT,
    "statusUrl" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "Deployment_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "FeedRequest" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "checkpoints" JSONB,
    "currentStep" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "stepAttempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "runAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "heartbeatAt" DATETIME,
    "lastError" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "JobEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "jobId" TEXT NOT NULL,
    "step" TEXT,
    "type" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "JobEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "actorId" TEXT NOT NULL,
    "actorName" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "before" JSONB,
    "after" JSONB,
    "correlationId" TEXT NOT NULL,
    "teamId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" JSONB NOT NULL,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL
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
