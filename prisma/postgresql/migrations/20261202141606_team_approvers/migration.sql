-- CreateTable
CREATE TABLE "TeamApprover" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamApprover_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateIndex
CREATE INDEX "TeamApprover_userId_idx" ON "TeamApprover"("userId");

-- AddForeignKey
ALTER TABLE "TeamApprover" ADD CONSTRAINT "TeamApprover_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamApprover" ADD CONSTRAINT "TeamApprover_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
