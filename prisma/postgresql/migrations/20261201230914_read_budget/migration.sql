-- CreateTable
CREATE TABLE "ReadBudget" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "ratePerSecond" DOUBLE PRECISION NOT NULL,
    "refilledAt" TIMESTAMP(3) NOT NULL,
    "holdUntil" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReadBudget_pkey" PRIMARY KEY ("key")
);
