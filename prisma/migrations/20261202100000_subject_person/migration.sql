-- The person behind a case (issue 16): contact details and address, corrections that keep what
-- they replaced, and the protected-identity marker (skyddade personuppgifter).

-- AlterTable: contact and address, encrypted like the other subject columns (bound to row and column).
ALTER TABLE "case_subject" ADD COLUMN "contact_enc" TEXT;
ALTER TABLE "case_subject" ADD COLUMN "address_enc" TEXT;
ALTER TABLE "case_subject" ADD COLUMN "updated_at" TIMESTAMPTZ(3);

-- AlterTable: a case marked as protected identity, when and by whom. Not personal data: retention keeps it.
ALTER TABLE "case" ADD COLUMN "protected_identity_at" TIMESTAMPTZ(3);
ALTER TABLE "case" ADD COLUMN "protected_identity_by" TEXT;

-- CreateTable: what a correction replaced, re-encrypted and bound to this row.
CREATE TABLE "case_subject_revision" (
    "id" UUID NOT NULL,
    "case_id" TEXT NOT NULL,
    "display_name_enc" TEXT,
    "personal_identity_number_enc" TEXT,
    "age_years" INTEGER,
    "narrative_enc" TEXT,
    "contact_enc" TEXT,
    "address_enc" TEXT,
    "fields" TEXT NOT NULL,
    "replaced_by" TEXT NOT NULL,
    "replaced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_subject_revision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "case_subject_revision_case_id_replaced_at_idx" ON "case_subject_revision"("case_id", "replaced_at");

-- AddForeignKey
ALTER TABLE "case_subject_revision" ADD CONSTRAINT "case_subject_revision_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
