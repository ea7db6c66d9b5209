-- AlterTable
ALTER TABLE "case" ADD COLUMN     "idempotency_key" TEXT,
ADD COLUMN     "request_hash" TEXT;

-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "claimed_by" TEXT,
ADD COLUMN     "claimed_until" TIMESTAMPTZ(3);

-- CreateIndex
CREATE UNIQUE INDEX "case_idempotency_key_key" ON "case"("idempotency_key");
