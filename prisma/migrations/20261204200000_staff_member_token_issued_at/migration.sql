-- The `iat` of the token that last wrote a person's row: a token issued before their units changed,
-- still used by another client, must not write the old units back (api/staffDirectory.ts).
ALTER TABLE "staff_member" ADD COLUMN "token_issued_at" TIMESTAMPTZ(3);
