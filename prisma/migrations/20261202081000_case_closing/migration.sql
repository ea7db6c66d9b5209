-- Cases close with a reason and can be reopened (issue 16). Who closed a case is kept on its row,
-- and every close and reopening is an event: the reason code, or the step reopened from and the
-- reopening's free-text reason (encrypted, like the subject's data). reopen_count numbers the
-- reopenings, so a reopened run's task ids (ending in -r<count>) never meet an earlier run's.
ALTER TABLE "case" ADD COLUMN "closed_by" TEXT,
ADD COLUMN "reopen_count" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "case_event" (
    "id" UUID NOT NULL,
    "case_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "from_step" TEXT,
    "note_enc" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "case_event_case_id_at_idx" ON "case_event"("case_id", "at");

-- AddForeignKey
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (Prisma has no syntax for it): the events there are.
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_action_known" CHECK ("action" IN ('closed', 'reopened'));
