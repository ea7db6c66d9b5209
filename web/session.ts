import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Principal } from '../domain/auth';
import type { PrismaClient } from '../prisma/client';

/**
 * Server-side sessions: the browser holds a random token in an HttpOnly cookie; the database
 * holds its SHA-256 (a leaked table opens no session), the caller the access token named, the
 * form token, and the end (the access token's expiry). Nothing personal is in the cookie.
 */
export const sessionCookie = 'samverkan_session';

export interface Session {
  id: string;
  principal: Principal;
  csrfToken: string;
  expiresAt: Date;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface CookieOptions {
  /** Secure outside dev: the cookie only travels over https. */
  secure: boolean;
  path: string;
}

export async function startSession(prisma: PrismaClient, res: Response, principal: Principal, expiresAt: Date, cookie: CookieOptions): Promise<Session> {
  const token = randomBytes(32).toString('base64url');
  const session = { id: hash(token), principal, csrfToken: randomBytes(24).toString('base64url'), expiresAt };
  await prisma.webSession.create({ data: { id: session.id, principal: { ...principal }, csrfToken: session.csrfToken, expiresAt } });
  // Expired sessions and abandoned logins go when someone signs in: no timer to run.
  await prisma.webSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  res.cookie(sessionCookie, token, { httpOnly: true, secure: cookie.secure, sameSite: 'lax', path: cookie.path, expires: expiresAt });
  return session;
}

export async function loadSession(prisma: PrismaClient, req: Request): Promise<Session | undefined> {
  const token = cookiesOf(req)[sessionCookie];
  if (!token) return undefined;
  const row = await prisma.webSession.findUnique({ where: { id: hash(token) } });
  if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
  return { id: row.id, principal: row.principal as unknown as Principal, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
}

export async function endSession(prisma: PrismaClient, res: Response, session: Session | undefined, cookie: CookieOptions): Promise<void> {
  if (session) await prisma.webSession.deleteMany({ where: { id: session.id } });
  res.clearCookie(sessionCookie, { httpOnly: true, secure: cookie.secure, sameSite: 'lax', path: cookie.path });
}

/** Does the posted form token match the session's? In constant time. */
export function csrfMatches(session: Session, posted: unknown): boolean {
  if (typeof posted !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's cookies (Express parses none without a middleware we do not otherwise need). */
export function cookiesOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    try {
      out[name] = decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      // A malformed cookie is ignored, not an error page.
    }
  }
  return out;
}
