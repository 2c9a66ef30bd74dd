import { idnrViolation } from '@regsync/register-domain/identifiers';
import { citizenWorkload } from './citizen-workload';

describe('citizenWorkload', () => {
  const { registrations, moves } = citizenWorkload(200, 7, 'run');

  it('registers each citizen once with a valid, unique IdNr, then moves them once', () => {
    const idnrs = registrations.map((action) => action.body.idnr as string);
    expect(new Set(idnrs).size).toBe(200);
    expect(idnrs.filter((idnr) => idnrViolation(idnr) !== undefined)).toEqual([]);
    expect(moves.map((action) => action.body.idnr)).toEqual(idnrs);
  });

  it('moves from the registered address to another municipality, half of them into another Land', () => {
    for (const [index, move] of moves.entries()) {
      const from = (move.body.previousAddress as { municipalityKey: string }).municipalityKey;
      expect(from).toBe(registrations[index].municipalityKey);
      expect(move.municipalityKey).not.toBe(from);
      expect(move.kind).toBe(move.municipalityKey.slice(0, 2) === from.slice(0, 2) ? 'move within a Land' : 'move across Länder');
    }
    expect(moves.filter((move) => move.kind === 'move across Länder')).toHaveLength(100);
  });

  it('is the same for the same seed, with correlation ids of the run', () => {
    expect(citizenWorkload(200, 7, 'run')).toEqual({ registrations, moves });
    expect(new Set([...registrations, ...moves].map((action) => action.correlationId)).size).toBe(400);
    expect(registrations.every((action) => action.correlationId.startsWith('run-'))).toBe(true);
  });
});
