-- The staff web app's server-side sessions (web/session.ts). The browser holds only a random
-- token in an HttpOnly cookie; this table holds its SHA-256, who signed in (the token's subject,
-- roles and units: no names or other personal data), the form token every POST must carry, and
-- when the session ends (the access token's expiry).
CREATE TABLE "web_session" (
    "id" TEXT NOT NULL,
    "principal" JSONB NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "web_session_pkey" PRIMARY KEY ("id")
);

-- A login under way: the OpenID Connect state, the PKCE verifier and nonce, and where to go after.
CREATE TABLE "web_login" (
    "state" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "return_to" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "web_login_pkey" PRIMARY KEY ("state")
);

-- CreateIndex
CREATE INDEX "web_session_expires_at_idx" ON "web_session"("expires_at");

-- CreateIndex
CREATE INDEX "web_login_expires_at_idx" ON "web_login"("expires_at");
