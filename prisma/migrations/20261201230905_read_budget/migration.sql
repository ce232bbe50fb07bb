-- CreateTable
CREATE TABLE "ReadBudget" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "tokens" REAL NOT NULL,
    "ratePerSecond" REAL NOT NULL,
    "refilledAt" DATETIME NOT NULL,
    "holdUntil" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0
);
