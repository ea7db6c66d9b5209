import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who may use the codec endpoint. For now an operator presents a bearer token whose SHA-256
 * matches the configured hash (compared in constant time). When JWT authentication lands
 * (issue 4), replace this one function with a check for an operator role in the verified token.
 */
export function isAuthorisedOperator(authorization: string | undefined, operatorTokenSha256: string | undefined): boolean {
  if (!operatorTokenSha256 || !authorization) return false;
  const match = /^Bearer ([^\s]{16,512})$/.exec(authorization);
  if (!match) return false;
  const presented = createHash('sha256').update(match[1], 'utf8').digest();
  const expected = Buffer.from(operatorTokenSha256, 'hex');
  return expected.length === presented.length && timingSafeEqual(presented, expected);
}
