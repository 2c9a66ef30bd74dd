import type { AdministrativeLevel, RegsyncEvent } from '@regsync/contracts/generated/events';
import type { Admission, ReceivedRecord } from '@regsync/messaging/register-messaging';
import { currentAuthority } from '@regsync/persistence/authority-scope';
import { eventPlausibilityViolations } from '@regsync/register-domain/plausibility-checks';
import { REGISTERS_BY_LEVEL, type RegisterAddress, type RegisterKind } from '@regsync/register-domain/authorities';
import { projectForRecipient, type Route } from '@regsync/register-domain/routing';
import { normalizedEventText } from '@regsync/register-domain/text-rules';
import type { Violation } from '@regsync/register-domain/validation-error';

/** One register of this instance that receives the event, with what it may receive and why. */
export interface AdmittedTransfer {
  recipient: RegisterAddress;
  /** The event cut down to the fields of the route (envelope kept). */
  payload: Record<string, unknown>;
  droppedFields: string[];
  route: Route;
}

export interface TransferAdmissionContext {
  transfers: AdmittedTransfer[];
}

/** An event whose content passes the API's rules, with its texts in NFC. */
export type CheckedContent = { kind: 'valid'; event: RegsyncEvent } | Extract<Admission, { kind: 'reject' }>;

/**
 * The content rules every consumer applies, the API's own functions: texts must be DIN 91379 (else 'invalid-text';
 * passed on in NFC), facts plausible (else 'implausible'). Rules about a field the event does not carry (a route left
 * it out) do not apply.
 */
export function checkedContent(received: RegsyncEvent): CheckedContent {
  const { envelope, ...rawPayload } = received as RegsyncEvent & Record<string, unknown>;
  const { payload, violations: textViolations } = normalizedEventText(rawPayload);
  if (textViolations.length > 0) return { kind: 'reject', code: 'invalid-text', reason: describe(textViolations) };
  const implausible = eventPlausibilityViolations(envelope.eventType, payload);
  if (implausible.length > 0) return { kind: 'reject', code: 'implausible', reason: describe(implausible) };
  return { kind: 'valid', event: { ...payload, envelope } as unknown as RegsyncEvent };
}

/**
 * The `admit` hook of a recipient instance, for what the router delivered to it (authority and who receives were
 * decided there; only the router writes a delivery topic): the addressed register must be one this instance keeps
 * (else reject 'not-addressed'); the content rules again (defence in depth); the register needs a route in the
 * routing catalog (else reject 'no-legal-basis') and gets only the route's fields. The recipient is the authority of
 * the delivery topic (the consumer runs `admit` as it).
 */
export function transferAdmission(level: AdministrativeLevel): (event: RegsyncEvent, record: ReceivedRecord) => Admission {
  return (received, { recipientRegister }) => {
    const register = recipientRegister as RegisterKind | undefined;
    if (!register || !REGISTERS_BY_LEVEL[level].includes(register)) {
      return { kind: 'reject', code: 'not-addressed', reason: `regsync-recipient-register: ${register ?? 'missing'} is not a register of this ${level} instance` };
    }
    const content = checkedContent(received);
    if (content.kind === 'reject') return content;
    const { eventType } = content.event.envelope;
    const projection = projectForRecipient(register, eventType, content.event as unknown as Record<string, unknown>);
    if (!projection) return { kind: 'reject', code: 'no-legal-basis', reason: `the routing catalog names no legal basis for ${eventType} to ${register}` };
    const context: TransferAdmissionContext = { transfers: [{ recipient: { level, instanceKey: currentAuthority(), register }, ...projection }] };
    return { kind: 'apply', event: projection.payload as unknown as RegsyncEvent, context };
  };
}

function describe(violations: readonly Violation[]): string {
  return violations.map((violation) => `${violation.field}: ${violation.rule}`).join('; ');
}

/** The transfers `transferAdmission` admitted, from the admission the consumer hands to a handler. */
export function admittedTransfers(admission: Admission | undefined): AdmittedTransfer[] {
  if (admission?.kind !== 'apply') return [];
  return (admission.context as TransferAdmissionContext | undefined)?.transfers ?? [];
}
