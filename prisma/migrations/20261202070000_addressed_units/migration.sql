-- Escalations and emails carry the unit they are addressed to (issue 13): listing and acknowledging
-- are scoped by it, so the consent wait's escalation (to the coordinators' supervisor) is theirs,
-- not the waiting task's unit's.

-- AlterTable
ALTER TABLE "escalation" ADD COLUMN "unit_id" UUID;
ALTER TABLE "notification" ADD COLUMN "unit_id" UUID;

-- Backfill: a consent wait's escalation and its email, and the coordinators' waiting and expiry
-- emails, went to the unit whose address received them (the coordinators); everything else to the
-- task's unit.
UPDATE "escalation" e SET "unit_id" = COALESCE(
  CASE WHEN e."id" LIKE '%.consent-wait%' THEN (
    SELECT u."id" FROM "unit" u
    WHERE e."recipient_email" IN (u."supervisor_email", u."head_email", u."notification_email")
    ORDER BY u."code" LIMIT 1)
  END,
  (SELECT t."unit_id" FROM "task" t WHERE t."id" = e."task_id"));

UPDATE "notification" n SET "unit_id" = COALESCE(
  CASE WHEN n."kind" IN ('waiting-for-consent', 'consent-expired') OR n."idempotency_key" LIKE '%.consent-wait%' THEN (
    SELECT u."id" FROM "unit" u
    WHERE n."recipient_email" IN (u."supervisor_email", u."head_email", u."notification_email")
    ORDER BY u."code" LIMIT 1)
  END,
  (SELECT t."unit_id" FROM "task" t WHERE t."id" = n."task_id"));

ALTER TABLE "escalation" ALTER COLUMN "unit_id" SET NOT NULL;

-- CreateIndex
CREATE INDEX "escalation_unit_id_status_idx" ON "escalation"("unit_id", "status");
CREATE INDEX "notification_unit_id_status_idx" ON "notification"("unit_id", "status");

-- AddForeignKey
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "notification" ADD CONSTRAINT "notification_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;
