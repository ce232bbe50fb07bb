/*
  Warnings:

  - A unique constraint covering the columns `[activeSubject]` on the table `Job` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "Job" ADD COLUMN "activeSubject" TEXT;
ALTER TABLE "Job" ADD COLUMN "leaseToken" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Job_activeSubject_key" ON "Job"("activeSubject");
