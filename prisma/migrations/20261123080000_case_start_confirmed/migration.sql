-- AlterTable
ALTER TABLE "case" ADD COLUMN     "start_confirmed_at" TIMESTAMPTZ(3);
