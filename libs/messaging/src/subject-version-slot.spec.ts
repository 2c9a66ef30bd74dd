import fc from 'fast-check';
import { avroType, latestSchemas } from '@regsync/contracts/event-encoding';
import { EVENT_TYPES } from '@regsync/contracts/generated/events';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { subjectVersionOffset, withSubjectVersion } from './subject-version-slot';

const types = new Map([...latestSchemas()].map(([eventType, { schema }]) => [eventType, avroType(schema)]));
const CONFLUENT_FRAMING = Buffer.from([0, 0, 0, 0, 42]);

describe('the subject version slot', () => {
  it('writes a version into an event encoded with version 0 exactly as avsc encodes the event with that version', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_TYPES),
        // Fields before the slot, of any length, move it.
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ maxLength: 20 }),
        // avsc writes a long up to 2^53 - 2 (its zigzag form must stay exact)
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1 }),
        (eventType, subjectId, instanceKey, version) => {
          const type = types.get(eventType)!;
          const event = sampleEvent(eventType, { subjectVersion: 0, subject: { kind: 'PERSON', id: subjectId } });
          event.envelope.source.instanceKey = instanceKey;
          const encoded = (subjectVersion: number) => Buffer.concat([CONFLUENT_FRAMING, type.toBuffer({ ...event, envelope: { ...event.envelope, subjectVersion } })]);

          const withZero = encoded(0);
          expect(withSubjectVersion(withZero, subjectVersionOffset(eventType, withZero), version).equals(encoded(version))).toBe(true);
        },
      ),
    );
  });
});
