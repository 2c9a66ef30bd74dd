import fc from 'fast-check';
import type { Address } from '@regsync/contracts/generated/events';
import { applyResidenceToBaseData, type IdnrBaseData } from './idnr-base-data';
import {
  applyBlockLift,
  applyBlockSet,
  awaitRueckmeldung,
  blockInForce,
  rueckmeldungAnswered,
  rueckmeldungToAwait,
  type InformationBlockKind,
  type InformationBlockState,
} from './information-block';
import { moveIn, moveOut, type Resident } from './residents';
import { applyMovedOutToStateResident, applyResidenceToStateResident, type StateResident } from './state-residents';

// The person lives in Osnabrück (Niedersachsen) and registers in Dresden (Sachsen); a block is set, maybe lifted.
const OSNABRUECK: Address = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const DRESDEN: Address = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };
const IDNR = '36574261809';
const TODAY = '2026-06-01';
const person = { idnr: IDNR, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE' as const, dateOfBirth: new Date(Date.UTC(1990, 2, 14)), dwellingStatus: 'HAUPTWOHNUNG' as const };
const firstRegistration = { ...person, address: OSNABRUECK, movedInOn: new Date(Date.UTC(2018, 3, 1)), previousAddress: null };
const move = { ...person, address: DRESDEN, movedInOn: new Date(Date.UTC(2026, 4, 2)), previousAddress: OSNABRUECK };

type Municipality = 'OS' | 'DD';
type Logged =
  | { type: 'ResidenceRegistered'; from: Municipality; occurredAt: Date }
  | { type: 'MovedOut'; from: Municipality; occurredAt: Date }
  | { type: 'InformationBlockSet'; from: Municipality; occurredAt: Date; blockKind: InformationBlockKind; validUntil: Date | null }
  | { type: 'InformationBlockLifted'; from: Municipality; occurredAt: Date; blockKind: InformationBlockKind };

type Draft = Logged extends infer L ? (L extends Logged ? Omit<L, 'occurredAt'> : never) : never;

interface Register<P> {
  person: P | undefined;
  block: InformationBlockState | undefined;
  /** How far this register has consumed the person's partition. */
  read: number;
}

/**
 * Every register of the person as the services run them: each consumes the person's partition in order (all events of
 * a person share one, keyed by the IdNr), at its own pace, sometimes twice (a redelivery before the offset commit).
 * The Meldebehörden also act: the Anmeldung in Dresden, the block set and lifted at the Meldebehörde the person lives
 * in at that moment (the other one answers 409 and the agency asks the right one).
 */
class World {
  readonly log: Logged[] = [];
  private clock = Date.UTC(2026, 5, 1, 8);
  readonly melde: Record<Municipality, Register<Resident>>;
  readonly lands: Record<'03' | '14', Register<StateResident>>;
  readonly bzst: Register<IdnrBaseData>;

  constructor() {
    const osnabrueck = moveIn(undefined, firstRegistration, OSNABRUECK.municipalityKey);
    this.melde = { OS: { person: osnabrueck, block: undefined, read: 0 }, DD: { person: undefined, block: undefined, read: 0 } };
    this.lands = {
      '03': { person: applyResidenceToStateResident(undefined, firstRegistration, '03'), block: undefined, read: 0 },
      '14': { person: undefined, block: undefined, read: 0 },
    };
    this.bzst = { person: applyResidenceToBaseData(undefined, firstRegistration), block: undefined, read: 0 };
  }

  private append<E extends Draft>(event: E): E & { occurredAt: Date } {
    const logged = { ...event, occurredAt: new Date((this.clock += 1000)) };
    this.log.push(logged as Logged);
    return logged;
  }

  registerInDresden(): void {
    this.melde.DD.person = moveIn(this.melde.DD.person, move, DRESDEN.municipalityKey);
    const awaited = rueckmeldungToAwait(move.previousAddress.municipalityKey, { municipality: DRESDEN.municipalityKey });
    if (awaited) this.melde.DD.block = awaitRueckmeldung(this.melde.DD.block, awaited);
    this.append({ type: 'ResidenceRegistered', from: 'DD' });
  }

  /** POST /information-blocks at the Meldebehörde that holds the person as resident. */
  setBlock(blockKind: InformationBlockKind, validUntil: Date | null): void {
    const at = this.currentMeldebehoerde();
    const event = this.append({ type: 'InformationBlockSet' as const, from: at, blockKind, validUntil });
    this.melde[at].block = applyBlockSet(this.melde[at].block, blockEnvelope(event)) ?? this.melde[at].block;
  }

  /** POST /information-blocks/{idnr}/lift; false: 409 no-such-block (the block has not reached that Meldebehörde yet). */
  liftBlock(blockKind: InformationBlockKind): boolean {
    const at = this.currentMeldebehoerde();
    if (this.melde[at].block?.kind !== blockKind) return false;
    const event = this.append({ type: 'InformationBlockLifted' as const, from: at, blockKind });
    this.melde[at].block = applyBlockLift(this.melde[at].block, blockEnvelope(event)) ?? this.melde[at].block;
    return true;
  }

  private currentMeldebehoerde(): Municipality {
    return this.melde.OS.person?.status === 'RESIDENT' ? 'OS' : 'DD';
  }

  /** One step of one consumer: the next event of the partition, or (again) the one before it. */
  consume(consumer: 'OS' | 'DD' | '03' | '14' | 'BZSt', again: boolean): void {
    const register = consumer === 'BZSt' ? this.bzst : consumer === 'OS' || consumer === 'DD' ? this.melde[consumer] : this.lands[consumer];
    const index = again ? register.read - 1 : register.read;
    if (index < 0 || index >= this.log.length) return;
    if (!again) register.read += 1;
    const event = this.log[index];
    if (consumer === 'OS' || consumer === 'DD') this.meldebehoerdeReceives(consumer, event);
    else if (consumer === 'BZSt') this.receive(this.bzst, event, (data) => (event.type === 'ResidenceRegistered' ? applyResidenceToBaseData(data, move) : data));
    else this.receive(this.lands[consumer], event, (resident) => this.landApplies(consumer, resident, event));
  }

  private meldebehoerdeReceives(at: Municipality, event: Logged): void {
    if (event.from === at) return; // relevance: a Melderegister never consumes its own events
    const register = this.melde[at];
    if (event.type === 'ResidenceRegistered' && at === 'OS') {
      // Rückmeldung: Osnabrück marks the move and passes a block in force on before its MovedOut.
      const movedOut = moveOut(register.person, move);
      if (!movedOut) return;
      register.person = movedOut;
      const block = blockInForce(register.block, TODAY);
      if (block) this.append({ type: 'InformationBlockSet', from: 'OS', blockKind: block.kind, validUntil: block.validUntil === null ? null : new Date(`${block.validUntil}T00:00:00Z`) });
      this.append({ type: 'MovedOut', from: 'OS' });
      return;
    }
    this.receive(register, event, (resident) => resident);
    if (event.type === 'MovedOut') register.block = rueckmeldungAnswered(register.block, OSNABRUECK.municipalityKey) ?? register.block;
  }

  private landApplies(land: '03' | '14', resident: StateResident | undefined, event: Logged): StateResident | undefined {
    if (event.type === 'ResidenceRegistered') {
      const registered = applyResidenceToStateResident(resident, move, land) ?? resident;
      const awaited = rueckmeldungToAwait(move.previousAddress.municipalityKey, { land });
      if (registered !== resident && landOf(move.address.municipalityKey) === land && awaited) this.lands[land].block = awaitRueckmeldung(this.lands[land].block, awaited);
      return registered;
    }
    if (event.type === 'MovedOut') {
      this.lands[land].block = rueckmeldungAnswered(this.lands[land].block, OSNABRUECK.municipalityKey) ?? this.lands[land].block;
      const movedOut = { idnr: IDNR, movedOutOn: move.movedInOn, fromMunicipalityKey: OSNABRUECK.municipalityKey, toMunicipalityKey: DRESDEN.municipalityKey };
      return applyMovedOutToStateResident(resident, movedOut, land) ?? resident;
    }
    return resident;
  }

  /** Register changes first; a block applies only where the register holds the person (information-block-store.ts). */
  private receive<P>(register: Register<P>, event: Logged, applyToPerson: (person: P | undefined) => P | undefined): void {
    register.person = applyToPerson(register.person);
    if (!register.person) return;
    if (event.type === 'InformationBlockSet') register.block = applyBlockSet(register.block, blockEnvelope(event)) ?? register.block;
    if (event.type === 'InformationBlockLifted') register.block = applyBlockLift(register.block, blockEnvelope(event)) ?? register.block;
  }

  drain(): void {
    for (let rounds = 0; rounds < 10; rounds += 1) for (const consumer of CONSUMERS) while (this.registerOf(consumer).read < this.log.length) this.consume(consumer, false);
  }

  registerOf(consumer: (typeof CONSUMERS)[number]): Register<unknown> {
    return consumer === 'BZSt' ? this.bzst : consumer === 'OS' || consumer === 'DD' ? this.melde[consumer] : this.lands[consumer];
  }
}

function blockEnvelope<E extends { occurredAt: Date }>(event: E): E & { envelope: { occurredAt: Date } } {
  return { ...event, envelope: { occurredAt: event.occurredAt } };
}

const CONSUMERS = ['OS', 'DD', '03', '14', 'BZSt'] as const;
const landOf = (ags: string) => ags.slice(0, 2);

type Action = 'anmeldung' | 'set' | 'lift';

const scenarios = fc.record({
  kind: fc.constantFrom<InformationBlockKind>('AUSKUNFTSSPERRE', 'BEDINGTER_SPERRVERMERK'),
  validUntil: fc.option(fc.integer({ min: 0, max: 800 }).map((days) => new Date(Date.UTC(2026, 5, 1) + days * 86_400_000)), { nil: null }),
  lifted: fc.boolean(),
  setBeforeAnmeldung: fc.boolean(),
  // Where the agency actions fall among the consumers' steps.
  steps: fc.array(fc.record({ consumer: fc.constantFrom(...CONSUMERS), again: fc.boolean(), action: fc.boolean() }), { minLength: 0, maxLength: 40 }),
});

type Scenario = typeof scenarios extends fc.Arbitrary<infer T> ? T : never;

function run(scenario: Scenario, onStep?: (world: World, pending: readonly Action[]) => void): World {
  const world = new World();
  const actions: Action[] = scenario.setBeforeAnmeldung ? ['set', 'anmeldung'] : ['anmeldung', 'set'];
  if (scenario.lifted) actions.push('lift');
  const act = () => {
    const next = actions[0];
    if (next === 'anmeldung') world.registerInDresden();
    else if (next === 'set') world.setBlock(scenario.kind, scenario.validUntil);
    else if (next === 'lift' && !world.liftBlock(scenario.kind)) return; // retried at a later step
    actions.shift();
  };
  for (const step of scenario.steps) {
    if (step.action && actions.length > 0) act();
    else world.consume(step.consumer, step.again);
    onStep?.(world, actions);
  }
  while (actions.length > 0) {
    act();
    world.drain();
  }
  world.drain();
  return world;
}

describe('information blocks and moves in flight: the block ends in force wherever the person is registered', () => {
  it('Osnabrück, Dresden, both Länder and the BZSt end holding the block (or its lift), whatever the interleaving and redeliveries', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const world = run(scenario);
        const expected = scenario.lifted ? undefined : scenario.kind;
        expect(world.melde.DD.person?.status).toBe('RESIDENT');
        for (const consumer of CONSUMERS) {
          const register = world.registerOf(consumer);
          expect({ consumer, holdsPerson: register.person !== undefined }).toEqual({ consumer, holdsPerson: true });
          expect({ consumer, kind: blockInForce(register.block, TODAY)?.kind }).toEqual({ consumer, kind: expected });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('no register ever gives a third party the Dresden address while a block set in Osnabrück is in force', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        let setInOsnabrueck = false;
        run(scenario, (world, pending) => {
          setInOsnabrueck ||= world.log.some((event) => event.type === 'InformationBlockSet' && event.from === 'OS');
          const liftDone = scenario.lifted && !pending.includes('lift');
          if (!setInOsnabrueck || liftDone) return;
          for (const register of [world.melde.DD, world.lands['14']] as Register<{ address: Address }>[]) {
            if (register.person?.address.municipalityKey !== DRESDEN.municipalityKey) continue;
            const withheld = blockInForce(register.block, TODAY) !== undefined || Boolean(register.block?.awaitingRueckmeldungFrom);
            expect(withheld).toBe(true);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a lift older than the block a register holds does not end it, and a set older than a lift does not bring it back', () => {
    const at = (ms: number) => ({ envelope: { occurredAt: new Date(ms) } });
    const set = applyBlockSet(undefined, { blockKind: 'AUSKUNFTSSPERRE', validUntil: null, ...at(2000) });
    expect(applyBlockLift(set, { blockKind: 'AUSKUNFTSSPERRE', ...at(1000) })).toBeUndefined();
    const lifted = applyBlockLift(set, { blockKind: 'AUSKUNFTSSPERRE', ...at(3000) });
    expect(blockInForce(lifted, TODAY)).toBeUndefined();
    expect(applyBlockSet(lifted, { blockKind: 'AUSKUNFTSSPERRE', validUntil: null, ...at(2500) })).toBeUndefined();
  });
});
