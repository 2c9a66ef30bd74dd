import fc from 'fast-check';
import { AppliedEvent, checkByIdentity, SentEvent } from './identity-check';

/** A subject's events, versions 1..n, with ids `<subject>-<version>`. */
const sentOf = (subjects: number[]): SentEvent[] =>
  subjects.flatMap((count, subject) => Array.from({ length: count }, (_, index) => ({ eventId: `s${subject}-v${index + 1}`, subject: `s${subject}`, version: index + 1 })));

/** Any interleaving of the subjects' events that keeps each subject's own order (what partitions by subject deliver). */
const interleaving = (sent: SentEvent[]) =>
  fc.array(fc.nat(), { minLength: sent.length, maxLength: sent.length }).map((choices) => {
    const queues = new Map<string, SentEvent[]>();
    for (const event of sent) queues.set(event.subject, [...(queues.get(event.subject) ?? []), event]);
    const order: AppliedEvent[] = [];
    for (const choice of choices) {
      const open = [...queues.values()].filter((queue) => queue.length > 0);
      order.push(open[choice % open.length].shift()!);
    }
    return order;
  });

const world = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }).chain((subjects) => {
  const sent = sentOf(subjects);
  return fc.tuple(fc.constant(sent), interleaving(sent));
});

describe('the fault check by identity', () => {
  it('finds nothing wrong when every event is applied once in its subject’s order, however subjects interleave (property)', () => {
    fc.assert(fc.property(world, ([sent, applied]) => expect(checkByIdentity(sent, applied)).toEqual({ lost: 0, duplicated: 0, notSent: 0, reordered: 0 })));
  });

  it('counts each lost, repeated and foreign event by itself, so a loss and a duplicate do not cancel out (property)', () => {
    fc.assert(
      fc.property(world, fc.nat(), fc.nat(), ([sent, applied], dropAt, repeatAt) => {
        const dropped = applied[dropAt % applied.length];
        const kept = applied.filter((event) => event !== dropped);
        const repeated = kept.length > 0 ? [kept[repeatAt % kept.length]] : [];
        const foreign = { eventId: 'forged', subject: dropped.subject, version: 1_000 };
        const check = checkByIdentity(sent, [...kept, ...repeated, foreign]);
        expect(check).toMatchObject({ lost: 1, duplicated: repeated.length, notSent: 1 });
      }),
    );
  });

  it('counts an event applied after a later version of its subject as reordered', () => {
    const sent = sentOf([3]);
    expect(checkByIdentity(sent, [sent[0], sent[2], sent[1]])).toEqual({ lost: 0, duplicated: 0, notSent: 0, reordered: 1 });
    expect(checkByIdentity(sent, [sent[1], sent[0], sent[2]])).toEqual({ lost: 0, duplicated: 0, notSent: 0, reordered: 1 });
  });
});
