-- AlterTable
ALTER TABLE "User" ADD COLUMN "notificationsSeenAt" DATETIME;
