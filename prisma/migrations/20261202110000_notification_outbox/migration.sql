-- The transactional outbox (issue 18): a notification row is enqueued with what its email needs
-- at send time, and the worker's sender claims rows that are due.
ALTER TABLE "notification" ADD COLUMN "step_title" TEXT;
ALTER TABLE "notification" ADD COLUMN "level" INTEGER;
ALTER TABLE "notification" ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- A row an activity holds now stays its own until that activity's lease lapses.
UPDATE "notification" SET "next_attempt_at" = "claimed_until" WHERE "status" = 'sending' AND "claimed_until" IS NOT NULL;

-- The sender's claim: a task's rows not yet sent, by when they are due. Sent rows (nearly all) stay
-- out of it, and so do the watchdog's (no task), which its own activity sends.
CREATE INDEX "notification_outbox_due_idx" ON "notification"("next_attempt_at") WHERE "status" <> 'sent' AND "task_id" IS NOT NULL;
