-- AlterTable
ALTER TABLE "case" ADD COLUMN     "start_args" JSONB;
