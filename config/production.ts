function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Outside development nothing travels in clear: mail, the identity provider's keys, the links
 * staff open, and Temporal (whose histories hold the cases' encrypted payloads and ids).
 */
export function productionProblems(e: {
  SMTP_SECURE: string;
  SMTP_REQUIRE_TLS: string;
  AUTH_JWKS_URL?: string;
  APP_BASE_URL: string;
  TEMPORAL_TLS: string;
  TEMPORAL_TLS_CERT_PATH?: string;
  TEMPORAL_API_KEY?: string;
}): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  if (e.SMTP_SECURE !== 'true' && e.SMTP_REQUIRE_TLS !== 'true') {
    problems.push(['SMTP_REQUIRE_TLS', 'production sends mail only over TLS: set SMTP_REQUIRE_TLS=true (STARTTLS, port 587) or SMTP_SECURE=true (port 465)']);
  }
  if (e.AUTH_JWKS_URL && !isHttps(e.AUTH_JWKS_URL)) {
    problems.push(['AUTH_JWKS_URL', 'must be an https: URL in production (keys fetched in clear could be swapped)']);
  }
  if (!isHttps(e.APP_BASE_URL)) problems.push(['APP_BASE_URL', 'must be an https: URL in production (it is the link in every email)']);
  if (e.TEMPORAL_TLS !== 'true' && !e.TEMPORAL_TLS_CERT_PATH && !e.TEMPORAL_API_KEY) {
    problems.push(['TEMPORAL_TLS', 'production connects to Temporal only over TLS: set TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH (mTLS) or TEMPORAL_API_KEY']);
  }
  return problems;
}
