-- The staff directory: who has signed in (the token's subject), their display name when the token
-- carries the OIDC `name` claim, the units they are staff of and supervise and their roles as their
-- last freshly verified token said, and when they were last seen. Written only when a token is
-- verified afresh (api/auth.ts), never per request. A supervisor assigns a task by choosing from it.
CREATE TABLE "staff_member" (
    "user_id" TEXT NOT NULL,
    "display_name" TEXT,
    "units" TEXT[] NOT NULL,
    "supervised_units" TEXT[] NOT NULL,
    "roles" TEXT[] NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "staff_member_pkey" PRIMARY KEY ("user_id")
);

