import { sampleEvent } from '@regsync/contracts/sample-events';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { followUpDraft } from './outbox';

describe('followUpDraft', () => {
  it('continues the citizen action of its cause, names the cause as causation and the legal basis of its own type', () => {
    const request = sampleEvent('IdNrRequested');
    const payload = { birthRegistrationId: request.birthRegistrationId, idnr: '36574261809', requestingMunicipalityKey: '03404000' };
    const draft = followUpDraft(request, { eventType: 'IdNrAssigned', register: 'IDNR_BASISDATEN', subject: { kind: 'PERSON', id: request.birthRegistrationId }, payload });
    expect(draft).toEqual({
      eventType: 'IdNrAssigned',
      register: 'IDNR_BASISDATEN',
      subject: { kind: 'PERSON', id: request.birthRegistrationId },
      correlationId: request.envelope.correlationId,
      causationId: request.envelope.eventId,
      legalBasis: SENDER_LEGAL_BASIS.IdNrAssigned,
      payload,
    });
  });
});
