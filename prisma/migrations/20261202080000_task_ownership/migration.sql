-- People own work (issue 16): a task of a unit can be claimed by one person or assigned to one by
-- the unit's supervisor (task.assignee, a token subject), and moved to another unit. Every claim,
-- release, assignment and move is kept in task_assignment; a move's reason is free text, so it is
-- stored encrypted (security/fieldCrypto.ts), like the subject's data.
ALTER TABLE "task" ADD COLUMN "assignee" TEXT,
ADD COLUMN "assigned_at" TIMESTAMPTZ(3);

-- A unit that takes no new work (deactivated in the registry) keeps its history.
ALTER TABLE "unit" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;

-- CreateIndex
CREATE INDEX "task_assignee_status_idx" ON "task"("assignee", "status");

-- CreateTable
CREATE TABLE "task_assignment" (
    "id" UUID NOT NULL,
    "task_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "assignee" TEXT,
    "from_unit" TEXT,
    "to_unit" TEXT,
    "reason_enc" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_assignment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "task_assignment_task_id_at_idx" ON "task_assignment"("task_id", "at");

-- AddForeignKey
ALTER TABLE "task_assignment" ADD CONSTRAINT "task_assignment_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (Prisma has no syntax for it): the actions there are.
ALTER TABLE "task_assignment" ADD CONSTRAINT "task_assignment_action_known" CHECK ("action" IN ('claimed', 'released', 'assigned', 'reassigned'));
