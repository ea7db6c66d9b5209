import { z } from 'zod';

/**
 * The roles of DOMAIN.md, and `operator`: who runs the Temporal cluster and may decode its payloads
 * through the codec endpoint (api/codecServer.ts), nothing else. A token may hold several.
 */
export const roles = ['coordinator', 'staff', 'supervisor', 'admin', 'auditor', 'operator'] as const;
export type Role = (typeof roles)[number];

const unitCode = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/);

/**
 * The claims we read from a verified token (OIDC conventions; `iss`, `aud` and `exp` are
 * checked by the verifier). Claim names are documented in the README:
 * - `sub`: the user's stable id, recorded as the actor on every change and audit row;
 * - `roles`: any of the roles above (unknown roles are ignored, so an IdP may send others);
 * - `units`: unit codes the user is staff of; `supervised_units`: unit codes the user supervises.
 */
export const tokenClaimsSchema = z.object({
  sub: z.string().regex(/^[A-Za-z0-9._@:|-]{1,200}$/, 'must be a user id'),
  roles: z.array(z.string()).default([]).transform((rs) => rs.filter((r): r is Role => (roles as readonly string[]).includes(r))),
  units: z.array(unitCode).default([]),
  supervised_units: z.array(unitCode).default([]),
});

export interface Principal {
  sub: string;
  roles: Role[];
  /** Units the caller is staff of. */
  units: string[];
  /** Units the caller supervises. */
  supervisedUnits: string[];
}

export function principalFromClaims(claims: unknown): Principal {
  const c = tokenClaimsSchema.parse(claims);
  return { sub: c.sub, roles: c.roles, units: c.units, supervisedUnits: c.supervised_units };
}

/**
 * The person's display name, from the OIDC `name` claim when the token carries one: staff data for
 * the staff directory (api/staffDirectory.ts), never a reason to refuse a token, never logged.
 */
const displayNameClaim = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}\p{Cf}]+$/u),
});

export function displayNameFromClaims(claims: unknown): string | null {
  const parsed = displayNameClaim.safeParse(claims);
  return parsed.success ? parsed.data.name : null;
}

export function hasRole(p: Principal, ...wanted: Role[]): boolean {
  return wanted.some((r) => p.roles.includes(r));
}

/** Units whose tasks the caller may see: staff units (as staff) and supervised units (as supervisor). */
export function visibleUnits(p: Principal): string[] {
  return [...new Set([...(hasRole(p, 'staff') ? p.units : []), ...(hasRole(p, 'supervisor') ? p.supervisedUnits : [])])];
}
