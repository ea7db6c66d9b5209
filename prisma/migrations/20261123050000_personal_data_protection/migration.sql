-- Personal data protection (issue 5). The subject's name, personnummer and narrative are now
-- stored only encrypted by the application (keyId:AES-256-GCM), and the personnummer is found by
-- a keyed hash. The clear-text columns are dropped: rows written before this migration lose
-- those values (only development data existed when this was written).

-- AlterTable
ALTER TABLE "case" ADD COLUMN     "linked_case_id" TEXT,
ADD COLUMN     "pseudonymised_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "case_subject" DROP COLUMN "display_name",
DROP COLUMN "narrative",
DROP COLUMN "personal_identity_number",
ADD COLUMN     "display_name_enc" TEXT,
ADD COLUMN     "narrative_enc" TEXT,
ADD COLUMN     "personal_identity_number_enc" TEXT,
ADD COLUMN     "personal_identity_number_hash" TEXT;

-- CreateTable
CREATE TABLE "retention_action" (
    "id" UUID NOT NULL,
    "case_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "retain_after" TEXT NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL,
    "performed_at" TIMESTAMPTZ(3) NOT NULL,
    "performed_by" TEXT NOT NULL,

    CONSTRAINT "retention_action_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "case_linked_case_id_idx" ON "case"("linked_case_id");

-- CreateIndex
CREATE INDEX "case_status_closed_at_idx" ON "case"("status", "closed_at");

-- CreateIndex
CREATE INDEX "case_subject_personal_identity_number_hash_idx" ON "case_subject"("personal_identity_number_hash");

-- CreateIndex
CREATE INDEX "retention_action_case_id_idx" ON "retention_action"("case_id");

-- AddForeignKey
ALTER TABLE "case" ADD CONSTRAINT "case_linked_case_id_fkey" FOREIGN KEY ("linked_case_id") REFERENCES "case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "retention_action" ADD CONSTRAINT "retention_action_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
