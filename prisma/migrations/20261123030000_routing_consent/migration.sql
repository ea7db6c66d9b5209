-- AlterTable
ALTER TABLE "case" ADD COLUMN     "routing_rule" TEXT,
ADD COLUMN     "routing_version" TEXT;

-- AlterTable
ALTER TABLE "task" ADD COLUMN     "consent_agency" TEXT,
ADD COLUMN     "consent_purpose" TEXT,
ADD COLUMN     "legal_basis" TEXT,
ADD COLUMN     "withdrawn_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "consent" (
    "id" UUID NOT NULL,
    "case_id" TEXT NOT NULL,
    "person_role" TEXT NOT NULL,
    "person_name" TEXT,
    "receiving_agency" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "given_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "recorded_by" TEXT NOT NULL,
    "withdrawn_at" TIMESTAMPTZ(3),
    "withdrawn_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routing_table" (
    "id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "activated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "routing_table_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "consent_case_id_idx" ON "consent"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "routing_table_version_key" ON "routing_table"("version");

-- CreateIndex
CREATE INDEX "routing_table_activated_at_idx" ON "routing_table"("activated_at");

-- AddForeignKey
ALTER TABLE "consent" ADD CONSTRAINT "consent_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
