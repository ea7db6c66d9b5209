-- Running notes on a case or one of its tasks (issue 16): author and time in clear, the text
-- encrypted like the subject's data (security/fieldCrypto.ts, bound to the row). Retention clears
-- the text of a pseudonymised case's notes and keeps who wrote when.
-- CreateTable
CREATE TABLE "note" (
    "id" UUID NOT NULL,
    "case_id" TEXT NOT NULL,
    "task_id" TEXT,
    "author" TEXT NOT NULL,
    "text_enc" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "note_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "note_case_id_created_at_idx" ON "note"("case_id", "created_at");

-- CreateIndex
CREATE INDEX "note_task_id_created_at_idx" ON "note"("task_id", "created_at");

-- AddForeignKey
ALTER TABLE "note" ADD CONSTRAINT "note_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "note" ADD CONSTRAINT "note_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE SET NULL ON UPDATE CASCADE;
