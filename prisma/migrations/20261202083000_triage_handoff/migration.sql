-- A case a coordinator routed from a triage task names the triage case it came from (issue 16).
ALTER TABLE "case" ADD COLUMN "routed_from_case_id" TEXT;

-- CreateIndex
CREATE INDEX "case_routed_from_case_id_idx" ON "case"("routed_from_case_id");
