import fc from 'fast-check';
import { handlerGroups } from './handler-groups';

const event = (subject: string, handler: string) => ({ subject, handler });

describe('handlerGroups', () => {
  it('splits one subject’s events where the handler changes, keeping their order', () => {
    const events = [event('a', 'R'), event('a', 'R'), event('a', 'R'), event('a', 'N'), event('a', 'R'), event('a', 'R')];
    expect(handlerGroups(events)).toEqual([[0, 1, 2], [3], [4, 5]]);
  });

  it('groups the events of different subjects by handler when their handlers alternate on the log', () => {
    // registration, move-out, registration of three persons, one after the other: three groups, not seven
    const events = ['a', 'b', 'c'].flatMap((subject) => [event(subject, 'R'), event(subject, 'M'), event(subject, 'R')]);
    expect(handlerGroups(events)).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it('runs an event after its subject’s event before it, even where an earlier group of its handler exists', () => {
    const events = [event('a', 'R'), event('b', 'M'), event('b', 'R')];
    expect(handlerGroups(events)).toEqual([[0], [1], [2]]);
  });

  it('keeps every subject’s log order, one handler per group, every event exactly once', () => {
    const arbitraryEvent = fc.record({ subject: fc.constantFrom('a', 'b', 'c'), handler: fc.constantFrom('R', 'M', 'N') });
    fc.assert(
      fc.property(fc.array(arbitraryEvent, { maxLength: 40 }), (events) => {
        const groups = handlerGroups(events);
        const order = groups.flat();
        expect([...order].sort((x, y) => x - y)).toEqual(events.map((_, position) => position));
        for (const group of groups) expect(new Set(group.map((position) => events[position].handler)).size).toBe(1);
        for (const subject of ['a', 'b', 'c']) {
          const ran = order.filter((position) => events[position].subject === subject);
          expect(ran).toEqual([...ran].sort((x, y) => x - y));
        }
      }),
    );
  });
});
