-- AlterTable
ALTER TABLE "case" ADD COLUMN     "close_reason" TEXT;

-- AlterTable
ALTER TABLE "consent" ADD COLUMN     "refused_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "task" ADD COLUMN     "clock_from" TEXT,
ADD COLUMN     "clock_from_ref" TEXT,
ADD COLUMN     "ended_at" TIMESTAMPTZ(3),
ADD COLUMN     "open_reason" TEXT,
ADD COLUMN     "opened_by" TEXT;
