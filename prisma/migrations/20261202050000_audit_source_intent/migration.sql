-- Every audit row records where the request came from (the client's address as the configured
-- trusted proxy reports it) and which request it belongs to. A change is recorded twice under
-- one request id: an intent row (phase 'intent', no status yet) before the change is attempted,
-- and its result row (phase 'result', with the status) after. A single-row request (a read, a
-- refusal, a case start recorded with its case) has no phase.
ALTER TABLE "audit_event"
    ADD COLUMN "source_address" TEXT,
    ADD COLUMN "request_id" UUID,
    ADD COLUMN "phase" TEXT,
    ALTER COLUMN "status" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "audit_event_request_id_idx" ON "audit_event"("request_id");

-- Hand-written (Prisma has no syntax for it): only an intent lacks a status.
ALTER TABLE "audit_event"
    ADD CONSTRAINT "audit_event_phase_known" CHECK ("phase" IS NULL OR "phase" IN ('intent', 'result')),
    ADD CONSTRAINT "audit_event_status_unless_intent" CHECK (("status" IS NULL) = ("phase" IS NOT DISTINCT FROM 'intent'));
