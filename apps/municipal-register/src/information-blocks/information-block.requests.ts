import { z } from 'zod';
import { parseCalendarDate } from '@regsync/register-domain/calendar-date';
import { BLOCK_REASON_CATEGORIES, INFORMATION_BLOCK_KINDS, validUntilViolation } from '@regsync/register-domain/register-rules';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { idnrField } from '@regsync/service-runtime/agency-api';

const blockKindField = z
  .enum(INFORMATION_BLOCK_KINDS as [string, ...string[]])
  .describe('AUSKUNFTSSPERRE (§ 51 BMG) or BEDINGTER_SPERRVERMERK (§ 52 BMG)') as z.ZodType<(typeof INFORMATION_BLOCK_KINDS)[number]>;

const validUntilField = z
  .string()
  .transform((value, context) => {
    try {
      const date = parseCalendarDate(value);
      const rule = validUntilViolation(date, new Date());
      if (rule) context.addIssue({ code: 'custom', message: rule });
      return date;
    } catch (error) {
      if (!(error instanceof DomainValidationError)) throw error;
      context.addIssue({ code: 'custom', message: error.rule });
      return z.NEVER;
    }
  })
  .describe('last day the block is in force, YYYY-MM-DD, today or later; null: until lifted (§ 51 Abs. 4 BMG: two years, renewable)');

/** The Meldebehörde sets a block on a resident's request or ex officio (§ 51 Abs. 1, 2; § 52 Abs. 1 BMG). */
export const setInformationBlockRequest = z.object({
  idnr: idnrField,
  kind: blockKindField,
  reasonCategory: z.enum(BLOCK_REASON_CATEGORIES).describe('why: kept in the audit record of this Meldebehörde only'),
  validUntil: validUntilField.nullable().default(null),
});

export type SetInformationBlockRequest = z.output<typeof setInformationBlockRequest>;

export const setInformationBlockExample: z.input<typeof setInformationBlockRequest> = {
  idnr: '36574261809',
  kind: 'AUSKUNFTSSPERRE',
  reasonCategory: 'DANGER_TO_LIFE_OR_HEALTH',
  validUntil: null,
};

/** The Meldebehörde lifts a block (its reason ceased, § 51 Abs. 4 BMG; or the person withdrew the request). */
export const liftInformationBlockRequest = z.object({
  kind: blockKindField,
});

export type LiftInformationBlockRequest = z.output<typeof liftInformationBlockRequest>;

export const liftInformationBlockExample: z.input<typeof liftInformationBlockRequest> = { kind: 'AUSKUNFTSSPERRE' };
