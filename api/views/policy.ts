import { z } from 'zod';
import { caseTypes, inCaseStepOrder, policyDocumentSchema, type CaseType, type PolicyDocument } from '../../domain/policy';
import { instant } from './common';

/** A policy version as published, with when it became active. */
export const policySchema = z.strictObject({ caseType: z.enum(caseTypes), version: z.string(), activatedAt: instant, document: policyDocumentSchema });

/** A stored policy version, its steps in the order a case meets them (the database keeps its own key order). */
export function policyView(row: { caseType: string; version: string; activatedAt: Date; document: unknown }) {
  const caseType = row.caseType as CaseType;
  // Stored as published: parsed by the policy schema on the way in.
  const document = row.document as PolicyDocument;
  return { caseType, version: row.version, activatedAt: row.activatedAt.toISOString(), document: { ...document, steps: inCaseStepOrder(caseType, document.steps) } };
}
