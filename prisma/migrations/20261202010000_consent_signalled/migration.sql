-- A consent is recorded first and its case workflow told after (the README's "record the row,
-- then tell Temporal"): signalled_status is what the workflow was last told ('given' or
-- 'withdrawn'); a row whose status is ahead of it is re-delivered by the API's reconciler.
ALTER TABLE "consent" ADD COLUMN "signalled_status" TEXT;

-- Rows from before this change were signalled inside the transaction that wrote them.
UPDATE "consent" SET "signalled_status" = CASE WHEN "withdrawn_at" IS NULL THEN 'given' ELSE 'withdrawn' END;
