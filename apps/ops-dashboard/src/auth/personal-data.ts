import type { DriftView } from '../drift/drift.service';
import type { HeldSubjectsView } from '../held/held-subjects.service';
import type { TracedEvent } from '../kafka/topic-tail.service';
import type { EventPath, PathDeadLetter } from '../paths/event-path';

/** The dead-letter fields a person without the data-viewer role sees: no decoded payload, masked subject ids. */
interface DeadLetterLike {
  key: string | null;
  reason: string;
  payload?: unknown;
  redriveOutcome?: { reason?: string };
}

const MASK = '•';

/** `36574261809` → `36•••••••09`: enough to tell subjects apart on the page, not to name a person. */
export function maskSubjectId(id: string): string {
  return id.length <= 4 ? MASK.repeat(id.length) : `${id.slice(0, 2)}${MASK.repeat(id.length - 4)}${id.slice(-2)}`;
}

/** Free text (a dead-letter reason) may quote an IdNr: every run of 11 digits is masked. */
export function maskIdNrsIn(text: string): string {
  return text.replace(/(?<!\d)\d{11}(?!\d)/g, maskSubjectId);
}

export function deadLetterWithoutPersonalData<View extends DeadLetterLike>(deadLetter: View): Omit<View, 'payload'> & { personalDataWithheld: true } {
  const { payload: _payload, ...rest } = deadLetter;
  const outcome = rest.redriveOutcome?.reason === undefined ? {} : { redriveOutcome: { ...rest.redriveOutcome, reason: maskIdNrsIn(rest.redriveOutcome.reason) } };
  return { ...rest, ...outcome, key: rest.key === null ? null : maskSubjectId(rest.key), reason: maskIdNrsIn(rest.reason), personalDataWithheld: true };
}

export function tracedEventWithoutPersonalData<Event extends TracedEvent>(event: Event): Event {
  return {
    ...event,
    key: event.key === null ? null : maskSubjectId(event.key),
    ...(event.summary ? { summary: { ...event.summary, subject: { ...event.summary.subject, id: maskSubjectId(event.summary.subject.id) } } } : {}),
  };
}

export function driftWithoutPersonalData(view: DriftView): DriftView {
  return {
    ...view,
    reports: view.reports.map((report) => ({
      ...report,
      missing: report.missing.map(maskSubjectId),
      unexpected: report.unexpected.map(maskSubjectId),
      different: report.different.map(maskSubjectId),
      conflicting: report.conflicting.map(maskSubjectId),
    })),
  };
}

export function heldSubjectsWithoutPersonalData(view: HeldSubjectsView): HeldSubjectsView {
  return { ...view, subjects: view.subjects.map((subject) => ({ ...subject, subjectId: maskSubjectId(subject.subjectId) })) };
}

/** A path names registers, fields and legal bases, no personal data but the subject id and what a dead-letter reason quotes. */
export function eventPathWithoutPersonalData(path: EventPath): EventPath {
  const masked = (deadLetter: PathDeadLetter | undefined) => deadLetter && { ...deadLetter, reason: maskIdNrsIn(deadLetter.reason) };
  return {
    ...path,
    subject: { ...path.subject, id: maskSubjectId(path.subject.id) },
    router: { ...path.router, ...(path.router.deadLetter ? { deadLetter: masked(path.router.deadLetter) } : {}) },
    recipients: path.recipients.map((recipient) => ({ ...recipient, ...(recipient.deadLetter ? { deadLetter: masked(recipient.deadLetter) } : {}) })),
  };
}
