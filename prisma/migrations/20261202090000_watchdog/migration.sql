-- The watchdog (issue 15): what each sweep found, and each sweep itself.

-- CreateTable
CREATE TABLE "watchdog_finding" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "open_key" TEXT,
    "case_id" TEXT,
    "task_id" TEXT,
    "escalation_id" TEXT,
    "unit_id" UUID,
    "detail" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_run_id" UUID NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "notified_at" TIMESTAMPTZ(3),

    CONSTRAINT "watchdog_finding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "watchdog_run" (
    "id" UUID NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "cases_checked" INTEGER NOT NULL,
    "tasks_checked" INTEGER NOT NULL,
    "escalations_checked" INTEGER NOT NULL,
    "units_checked" INTEGER NOT NULL,
    "opened" INTEGER NOT NULL,
    "resolved" INTEGER NOT NULL,
    "open_findings" INTEGER NOT NULL,

    CONSTRAINT "watchdog_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "watchdog_finding_open_key_key" ON "watchdog_finding"("open_key");

-- CreateIndex
CREATE INDEX "watchdog_finding_resolved_at_kind_idx" ON "watchdog_finding"("resolved_at", "kind");

-- CreateIndex
CREATE INDEX "watchdog_finding_unit_id_resolved_at_idx" ON "watchdog_finding"("unit_id", "resolved_at");

-- CreateIndex
CREATE INDEX "watchdog_finding_case_id_idx" ON "watchdog_finding"("case_id");

-- CreateIndex
CREATE INDEX "watchdog_run_finished_at_idx" ON "watchdog_run"("finished_at");
