import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import type { Admission } from '@regsync/messaging/messaging-options';
import { authorityViolation } from '@regsync/register-domain/authority';
import { eventPlausibilityViolations } from '@regsync/register-domain/plausibility/event-plausibility';
import { recipientsOf } from '@regsync/register-domain/relevance';
import type { RegisterAddress, RegisterInstance } from '@regsync/register-domain/registers';
import { projectForRecipient, routeCovers, routeFor, type Route } from '@regsync/register-domain/routing-catalog';
import { normalizedEventText } from '@regsync/register-domain/text/event-text';
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

/**
 * The `admit` hook of one instance: only the authoritative register may send an event (else reject
 * 'not-authoritative'); an event for none of this instance's registers is ignored; its texts must be DIN 91379
 * (else 'invalid-text'; they are passed on in NFC) and its facts plausible (else 'implausible'), by the API's rules;
 * every receiving register needs a route in the routing catalog (else reject 'no-legal-basis'; an event its route does
 * not cover is no transfer to that register) and gets only the route's fields.
 */
export function transferAdmission(instance: RegisterInstance): (event: RegsyncEvent) => Admission {
  return (received) => {
    const { envelope, ...rawPayload } = received as RegsyncEvent & Record<string, unknown>;
    const source = envelope.source;
    const violation = authorityViolation(envelope.eventType, source, rawPayload);
    if (violation) return { kind: 'reject', code: 'not-authoritative', reason: violation };

    // A route limited to some events (the BZSt gets a Hauptwohnung only) makes the others no transfer, not a fault.
    const recipients = recipientsOf(instance, envelope.eventType, rawPayload, source).filter((register) => {
      const route = routeFor(register, envelope.eventType);
      return route === undefined || routeCovers(route, rawPayload);
    });
    if (recipients.length === 0) return { kind: 'ignore' };

    const { payload, violations: textViolations } = normalizedEventText(rawPayload);
    if (textViolations.length > 0) return { kind: 'reject', code: 'invalid-text', reason: describe(textViolations) };
    const implausible = eventPlausibilityViolations(envelope.eventType, payload);
    if (implausible.length > 0) return { kind: 'reject', code: 'implausible', reason: describe(implausible) };
    const event = { ...payload, envelope } as unknown as RegsyncEvent;

    const transfers: AdmittedTransfer[] = [];
    for (const register of recipients) {
      const projection = projectForRecipient(register, envelope.eventType, event as unknown as Record<string, unknown>);
      if (!projection) {
        return { kind: 'reject', code: 'no-legal-basis', reason: `the routing catalog names no legal basis for ${envelope.eventType} to ${register}` };
      }
      transfers.push({ recipient: { ...instance, register }, ...projection });
    }
    // The handler sees only fields some receiving register has a basis for; each register reads its own projection.
    const admitted = Object.assign({}, ...transfers.map((transfer) => transfer.payload)) as RegsyncEvent;
    const context: TransferAdmissionContext = { transfers };
    return { kind: 'apply', event: admitted, context };
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
