import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, Producer } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-encoding';
import type { EventType, RegsyncEvent } from '@regsync/contracts/generated/events';
import { consumerGroupOf, deadLetterTopicOf, deliveryTopicOf } from '@regsync/contracts/topics';
import { routeFor } from '@regsync/register-domain/routing';
import type { RegisterKind } from '@regsync/register-domain/authorities';
import { idnrViolation, generateIdnr } from '@regsync/register-domain/identifiers';
import { AgencyClient, type Transfer } from '@regsync/local-stack/agency-client';
import { DeadLetterWatch } from '@regsync/local-stack/dead-letter-watch';
import { type LocalStack, type Topology, randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { E2eStack } from './e2e-stack';


const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const DRESDEN = '14612000';
const LEIPZIG = '14713000';
const CITIZEN = '36574261809';
const PARENT = '12345678995';
const STRANGER = '27340516810';
const PARCEL = '14612300100012______';

const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const dresdenAddress = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: DRESDEN };
const hannoverAddress = { street: 'Lister Meile', houseNumber: '3', postalCode: '30161', city: 'Hannover', municipalityKey: HANNOVER };
const citizen = { idnr: CITIZEN, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14' };

type Body = Record<string, unknown>;

/**
 * The five flows end to end against the real broker and PostgreSQL, every service a process of its own: in the local
 * topology (a process per authority), or in `topology` (e.g. municipalities hosted together by provider processes).
 */
export function describeFiveFlows(title: string, topology?: Topology): void {
describe(title, () => {
  const namespace = `e2e${randomBytes(3).toString('hex')}`;
  let e2e: E2eStack;
  let stack: LocalStack;
  let kafka: Kafka;
  let osnabrueck: AgencyClient;
  let hannover: AgencyClient;
  let dresden: AgencyClient;
  let leipzig: AgencyClient;
  let niedersachsen: AgencyClient;
  let sachsen: AgencyClient;
  let federal: AgencyClient;
  let federalDeadLetters: DeadLetterWatch;
  let niedersachsenDeadLetters: DeadLetterWatch;
  let routerDeadLetters: DeadLetterWatch;
  let childIdnr: string;
  let birthRegistrationId: string;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, { portOffset: randomPortOffset(1000, 20), topology });
    stack = e2e.stack;
    kafka = e2e.kafka;
    osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
    hannover = AgencyClient.of(stack, 'municipal-register', HANNOVER);
    dresden = AgencyClient.of(stack, 'municipal-register', DRESDEN);
    leipzig = AgencyClient.of(stack, 'municipal-register', LEIPZIG);
    niedersachsen = AgencyClient.of(stack, 'state-register', '03');
    sachsen = AgencyClient.of(stack, 'state-register', '14');
    federal = AgencyClient.of(stack, 'federal-register', 'DE');
    federalDeadLetters = await DeadLetterWatch.start(kafka, deadLetterTopicOf(consumerGroupOf('federal-register', 'DE', namespace)));
    niedersachsenDeadLetters = await DeadLetterWatch.start(kafka, deadLetterTopicOf(consumerGroupOf('state-register', '03', namespace)));
    routerDeadLetters = await DeadLetterWatch.start(kafka, deadLetterTopicOf(consumerGroupOf('router', 'main', namespace)));
  }, 240_000);

  afterAll(async () => {
    await federalDeadLetters?.stop();
    await niedersachsenDeadLetters?.stop();
    await routerDeadLetters?.stop();
    await e2e?.stop();
  }, 120_000);

  describe('the five flows, driven by agency calls and events only', () => {
    it('registers a citizen in Osnabrück, and Niedersachsen and the BZSt learn the address', async () => {
      const registered = await osnabrueck.registerResidence({ ...citizen, address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null });
      expect(registered.status).toBe(201);
      const mirror = await waitUntil('Niedersachsen mirrors the citizen', () => bodyIf(niedersachsen.resident(CITIZEN)));
      expect(mirror).toMatchObject({ idnr: CITIZEN, familyName: 'Schmidt', status: 'RESIDENT', address: osnabrueckAddress });
      const baseData = await waitUntil('the BZSt has the base data', () => bodyIf(federal.person(CITIZEN)));
      expect(baseData).toMatchObject({ idnr: CITIZEN, status: 'ALIVE', address: osnabrueckAddress });
    });

    it('birth: the Melderegister registers the child, the BZSt assigns a valid IdNr, and it flows back to the municipality and the Land', async () => {
      const correlationId = `birth-${randomUUID()}`;
      const recorded = await osnabrueck.recordBirth({ familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: today, placeOfBirth: 'Osnabrück', parentIdnrs: [PARENT], residence: osnabrueckAddress }, correlationId);
      expect(recorded.status).toBe(201);
      expect(recorded.correlationId).toBe(correlationId);
      birthRegistrationId = recorded.body.birthRegistrationId as string;
      expect(birthRegistrationId).toMatch(new RegExp(`^${OSNABRUECK}-G-\\d{4}-\\d{6}$`));

      const child = await waitUntil('the child has an IdNr in the Melderegister', async () => {
        const resident = await osnabrueck.resident(birthRegistrationId);
        return resident.body.idnr ? resident.body : undefined;
      });
      childIdnr = child.idnr as string;
      expect(idnrViolation(childIdnr)).toBeUndefined();
      expect(child).toMatchObject({ familyName: 'Weber', givenNames: 'Mia', status: 'RESIDENT', birthRegistrationId, address: osnabrueckAddress });
      expect(child).not.toHaveProperty('parentIdnrs');

      const baseData = await waitUntil('the BZSt holds the child', () => bodyIf(federal.person(childIdnr)));
      expect(baseData).toMatchObject({ idnr: childIdnr, birthRegistrationId, placeOfBirth: 'Osnabrück', familyName: 'Weber', status: 'ALIVE' });
      const mirror = await waitUntil('Niedersachsen mirrors the child under its IdNr', () => bodyIf(niedersachsen.resident(childIdnr)));
      expect(mirror).toMatchObject({ idnr: childIdnr, status: 'RESIDENT', address: osnabrueckAddress });
      const birthRecord = await osnabrueck.civilStatus(childIdnr);
      expect(birthRecord.body).toMatchObject({ birthRegistrationId, idnr: childIdnr, parentIdnrs: [PARENT], status: 'ALIVE' });
    });

    it('name change of a child born here: the Standesamt continues the birth record, and no second record is started', async () => {
      const changed = await osnabrueck.recordNameChange({ idnr: childIdnr, familyName: 'Weber-Schulz', givenNames: 'Mia', reason: 'NAME_DECLARATION', effectiveOn: today });
      expect(changed.status).toBe(201);
      const record = await osnabrueck.civilStatus(childIdnr);
      expect(record.body).toMatchObject({ birthRegistrationId, idnr: childIdnr, familyName: 'Weber-Schulz', parentIdnrs: [PARENT], placeOfBirth: 'Osnabrück', maritalStatus: 'SINGLE' });
      expect((record.body.nameHistory as Body[]).map((entry) => `${String(entry.reason)} ${String(entry.familyName)}`)).toEqual(['BIRTH Weber', 'NAME_DECLARATION Weber-Schulz']);
      expect((await osnabrueck.civilStatus(birthRegistrationId)).body).toEqual(record.body);
      const rows = await e2e.query('municipal', OSNABRUECK, 'select id from civil_status_records where idnr = $1 or birth_registration_id = $2', [childIdnr, birthRegistrationId]);
      expect(rows).toHaveLength(1);
      await waitUntil('the Melderegister Osnabrück has the new name', () => bodyIf(osnabrueck.resident(childIdnr), (body) => body.familyName === 'Weber-Schulz'));
      await waitUntil('Niedersachsen has the new name', () => bodyIf(niedersachsen.resident(childIdnr), (body) => body.familyName === 'Weber-Schulz'));
      await waitUntil('the BZSt has the new name', () => bodyIf(federal.person(childIdnr), (body) => body.familyName === 'Weber-Schulz'));
    });

    it('move: registering in Dresden only makes Osnabrück mark the citizen moved out, both Länder follow, and the BZSt has the new address', async () => {
      const correlationId = `move-${randomUUID()}`;
      const moved = await dresden.registerResidence({ ...citizen, address: dresdenAddress, movedInOn: today, previousAddress: osnabrueckAddress }, correlationId);
      expect(moved.status).toBe(201);
      expect(moved.correlationId).toBe(correlationId);

      const old = await waitUntil('Osnabrück did the Rückmeldung', () => bodyIf(osnabrueck.resident(CITIZEN), (body) => body.status === 'MOVED_OUT'));
      expect(old).toMatchObject({ movedOutTo: DRESDEN, movedOutOn: today });
      const ni = await waitUntil('Niedersachsen marks the citizen moved away', () => bodyIf(niedersachsen.resident(CITIZEN), (body) => body.status === 'MOVED_AWAY'));
      expect(ni).toMatchObject({ movedAwayTo: DRESDEN });
      // Sachsen gives the new address once Osnabrück has answered the Rückmeldung (no information block to pass on).
      const sn = await waitUntil('Sachsen has the new resident', () => bodyIf(sachsen.resident(CITIZEN), (body) => body.informationBlock === null));
      expect(sn).toMatchObject({ status: 'RESIDENT', address: dresdenAddress, movedInOn: today });
      const baseData = await waitUntil('the BZSt has the Dresden address', () => bodyIf(federal.person(CITIZEN), (body) => (body.address as Body).municipalityKey === DRESDEN));
      expect(baseData).toMatchObject({ address: dresdenAddress, movedInOn: today });
      expect((await dresden.resident(CITIZEN)).body).toMatchObject({ status: 'RESIDENT', address: dresdenAddress });

      // One citizen action, one correlation id through every follow-up event (the Rückmeldung included). Niedersachsen
      // may mark the citizen moved away from the Anmeldung itself, before Osnabrück's MovedOut reaches it: wait for both.
      const expected = ['ResidenceRegistered → MELDEREGISTER 03404000', 'ResidenceRegistered → LANDESMELDEREGISTER 14', 'ResidenceRegistered → IDNR_BASISDATEN DE', 'MovedOut → LANDESMELDEREGISTER 03'];
      const transfersOfMove = async () => (await federal.cockpit(CITIZEN)).body.transfers.filter((transfer) => transfer.correlationId === correlationId).map(describeTransfer);
      const ofMove = await waitUntil('the cockpit shows every transfer of the move', async () => {
        const transfers = await transfersOfMove();
        return expected.every((transfer) => transfers.includes(transfer)) ? transfers : undefined;
      }).catch(async () => transfersOfMove());
      expect(ofMove).toEqual(expect.arrayContaining(expected));
    });

    it('least privilege: the municipalities the move does not concern receive nothing about the mover, Dresden only the fields of its routes', async () => {
      // Everything about the move has been delivered (the cockpit shows it); a delivery to Hannover or Leipzig would be there now.
      for (const ags of [HANNOVER, LEIPZIG]) {
        const records = await e2e.deliveriesTo('municipal-register', ags);
        const about = records.filter((record) => record.key?.toString() === CITIZEN || record.value?.includes(CITIZEN) || record.value?.includes('Schmidt'));
        expect(about).toEqual([]);
      }
      const codec = await EventCodec.connect(stack.schemaRegistryUrl);
      const toDresden = await e2e.deliveriesTo('municipal-register', DRESDEN);
      const dresdensKeys = await e2e.subjectKeysOf(deliveryTopicOf('municipal-register', stack.processKeyOf('municipal-register', DRESDEN), namespace));
      expect(toDresden.some((record) => record.key?.toString() === CITIZEN)).toBe(true);
      for (const record of toDresden) {
        // Sealed: without the subject's key the bytes say nothing but the envelope.
        expect(record.value!.includes('Schmidt')).toBe(false);
        const register = record.headers?.['regsync-recipient-register']?.toString() as RegisterKind;
        const { event } = await codec.decode(record.value, dresdensKeys);
        const route = routeFor(register, event.envelope.eventType);
        expect(route).toBeDefined();
        expect(Object.keys(event).filter((field) => field !== 'envelope' && !route!.fields.includes(field))).toEqual([]);
      }
    });

    it('name change: a marriage at the Standesamt Dresden reaches the Melderegister, Sachsen and the BZSt', async () => {
      const changed = await dresden.recordNameChange({ idnr: CITIZEN, familyName: 'Köhler', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: today });
      expect(changed.status).toBe(201);
      const dd = await waitUntil('the Melderegister Dresden has the new name', () => bodyIf(dresden.resident(CITIZEN), (body) => body.familyName === 'Köhler'));
      expect(dd).toMatchObject({ maritalStatus: 'MARRIED' });
      const sn = await waitUntil('Sachsen has the new name', () => bodyIf(sachsen.resident(CITIZEN), (body) => body.familyName === 'Köhler'));
      expect(sn).toMatchObject({ maritalStatus: 'MARRIED' });
      const baseData = await waitUntil('the BZSt has the new name', () => bodyIf(federal.person(CITIZEN), (body) => body.familyName === 'Köhler'));
      expect(baseData).toMatchObject({ previousFamilyNames: ['Schmidt'] });
      // Osnabrück no longer keeps the person current: it has no basis for a name change after the move.
      expect((await osnabrueck.resident(CITIZEN)).body).toMatchObject({ familyName: 'Schmidt', status: 'MOVED_OUT' });
    });

    it('parcel change: the cadastre of Sachsen records and changes a Flurstück, and the property-tax roll of Dresden takes it over', async () => {
      const recorded = await sachsen.recordParcel({ parcelId: PARCEL, municipalityKey: DRESDEN, areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [CITIZEN] });
      expect(recorded.status).toBe(201);
      expect(recorded.body.eventType).toBe('ParcelRecorded');
      await waitUntil('Dresden has the parcel in its roll', () => bodyIf(dresden.propertyTax(PARCEL)));
      const changed = await sachsen.recordParcel({ parcelId: PARCEL, municipalityKey: DRESDEN, areaSquareMetres: 587, usage: 'Wohnbaufläche mit Garten', ownerIdnrs: [CITIZEN, PARENT], changeReason: 'Zerlegung' });
      expect(changed.status).toBe(201);
      expect(changed.body.eventType).toBe('ParcelChanged');
      const entry = await waitUntil('Dresden has the changed area', () => bodyIf(dresden.propertyTax(PARCEL), (body) => body.areaSquareMetres === 587));
      expect(entry).toMatchObject({ municipalityKey: DRESDEN, usage: 'Wohnbaufläche mit Garten', ownerIdnrs: [CITIZEN, PARENT], lastChangeReason: 'Zerlegung' });
      expect((await sachsen.parcel(PARCEL)).body).toMatchObject({ areaSquareMetres: 587, ownerIdnrs: [CITIZEN, PARENT] });
      expect((await osnabrueck.propertyTax(PARCEL)).status).toBe(404);
    });

    it('death: every register that holds or held the person marks them deceased, and nothing later resurrects them', async () => {
      const died = await dresden.recordDeath({ idnr: CITIZEN, dateOfDeath: today, placeOfDeath: 'Dresden' });
      expect(died.status).toBe(201);
      const deathId = died.body.eventId as string;
      await waitUntil('the Melderegister Dresden marks the death', () => bodyIf(dresden.resident(CITIZEN), (body) => body.status === 'DECEASED'));
      await waitUntil('Sachsen marks the death', () => bodyIf(sachsen.resident(CITIZEN), (body) => body.status === 'DECEASED'));
      // The former residence and its Land learn it too: a death in Sachsen is final in Niedersachsen.
      const formerResidence = await waitUntil('the Melderegister Osnabrück marks its former resident deceased', () => bodyIf(osnabrueck.resident(CITIZEN), (body) => body.status === 'DECEASED'));
      expect(formerResidence).toMatchObject({ dateOfDeath: today, placeOfDeath: 'Dresden', movedOutTo: DRESDEN, address: osnabrueckAddress });
      const formerLand = await waitUntil('Niedersachsen marks its former resident deceased', () => bodyIf(niedersachsen.resident(CITIZEN), (body) => body.status === 'DECEASED'));
      expect(formerLand).toMatchObject({ dateOfDeath: today, movedAwayTo: DRESDEN });
      const baseData = await waitUntil('the BZSt marks the death', () => bodyIf(federal.person(CITIZEN), (body) => body.status === 'DECEASED'));
      expect(baseData).toMatchObject({ dateOfDeath: today });
      expect(baseData).not.toHaveProperty('placeOfDeath');

      const laterNameChange = await dresden.recordNameChange({ idnr: CITIZEN, familyName: 'Neumann', givenNames: 'Anna', reason: 'OTHER', effectiveOn: today });
      expect(laterNameChange.status).toBe(409);
      expect(laterNameChange.body).toMatchObject({ code: 'subject-deceased' });
      expect((await dresden.recordDeath({ idnr: CITIZEN, dateOfDeath: today, placeOfDeath: 'Dresden' })).status).toBe(409);

      // A municipality that knows the death refuses a registration at once.
      const backInOsnabrueck = await osnabrueck.registerResidence({ ...citizen, familyName: 'Köhler', address: osnabrueckAddress, movedInOn: today, previousAddress: dresdenAddress });
      expect(backInOsnabrueck.status).toBe(409);
      expect(backInOsnabrueck.body).toMatchObject({ code: 'subject-deceased' });

      // Hannover never held her, so it cannot know of the death; its registration travels as an event and every
      // register that knows the death refuses it: Niedersachsen's mirror stays DECEASED.
      const resurrection = await hannover.registerResidence({ ...citizen, familyName: 'Köhler', address: hannoverAddress, movedInOn: today, previousAddress: dresdenAddress });
      expect(resurrection.status).toBe(201);
      const eventId = resurrection.body.eventId as string;
      const federalLetter = await waitUntil('the BZSt dead-letters the registration of a deceased person', async () => federalDeadLetters.find((letter) => letter.eventId === eventId));
      expect(federalLetter).toMatchObject({ eventType: 'ResidenceRegistered', reasonCode: 'subject-deceased' });
      // the event is sealed: its refusal names the rule and none of its content (the record's key names the person)
      expect(federalLetter.reason).toBe('… is recorded as deceased; later changes are not applied');
      const landLetter = await waitUntil('Niedersachsen dead-letters the registration of a deceased person', async () => niedersachsenDeadLetters.find((letter) => letter.eventId === eventId));
      expect(landLetter).toMatchObject({ eventType: 'ResidenceRegistered', reasonCode: 'subject-deceased' });
      expect((await niedersachsen.resident(CITIZEN)).body).toMatchObject({ status: 'DECEASED', address: osnabrueckAddress, dateOfDeath: today });
      expect((await federal.person(CITIZEN)).body).toMatchObject({ status: 'DECEASED', address: dresdenAddress });
      expect((await sachsen.resident(CITIZEN)).body).toMatchObject({ status: 'DECEASED' });
      expect((await dresden.resident(CITIZEN)).body).toMatchObject({ status: 'DECEASED' });
      expect((await osnabrueck.resident(CITIZEN)).body).toMatchObject({ status: 'DECEASED' });
      // Hannover never held her: the death was not delivered there, so nothing stored and no transfer logged.
      expect((await hannover.transfers(CITIZEN)).body.transfers).toEqual([]);
      // The death went exactly to the registers that held her: no broadcast to every municipality and Land.
      const receivedDeath: string[] = [];
      for (const instance of stack.topology.instances) {
        const records = await e2e.deliveriesTo(instance.app, instance.instanceKey);
        for (const record of records.filter((candidate) => candidate.headers?.['regsync-event-id']?.toString() === deathId)) {
          receivedDeath.push(`${record.headers!['regsync-recipient-register']!.toString()} ${instance.instanceKey}`);
        }
      }
      expect(receivedDeath.sort()).toEqual(['IDNR_BASISDATEN DE', 'LANDESMELDEREGISTER 03', 'LANDESMELDEREGISTER 14', 'MELDEREGISTER 03404000', 'MELDEREGISTER 14612000']);
    });
  });

  describe('transfer log and cockpit', () => {
    it('the cockpit lists every transfer about the citizen across all registers, ordered by time, with fields, basis and purpose', async () => {
      const { status, body } = await federal.cockpit(CITIZEN);
      expect(status).toBe(200);
      expect(body.unreachable).toEqual([]);
      const times = body.transfers.map((transfer) => transfer.transferredAt);
      expect(times).toEqual([...times].sort());
      const described = body.transfers.map(describeTransfer);
      expect([...described].sort()).toEqual(
        [
          // registration in Osnabrück
          'ResidenceRegistered → IDNR_BASISDATEN DE',
          'ResidenceRegistered → LANDESMELDEREGISTER 03',
          // move to Dresden, with the Rückmeldung
          'ResidenceRegistered → LANDESMELDEREGISTER 14',
          'ResidenceRegistered → MELDEREGISTER 03404000',
          'ResidenceRegistered → IDNR_BASISDATEN DE',
          'ResidenceRegistered → LANDESMELDEREGISTER 03',
          'MovedOut → LANDESMELDEREGISTER 03',
          // Osnabrück's answer to the Rückmeldung ends the wait for an information block in Dresden and Sachsen
          'MovedOut → MELDEREGISTER 14612000',
          'MovedOut → LANDESMELDEREGISTER 14',
          // marriage
          'NameChanged → IDNR_BASISDATEN DE',
          'NameChanged → LANDESMELDEREGISTER 14',
          'NameChanged → MELDEREGISTER 14612000',
          // parcel (the citizen is an owner)
          'ParcelRecorded → GRUNDSTEUER 14612000',
          'ParcelChanged → GRUNDSTEUER 14612000',
          // death, also in the former residence and its Land (Hannover, which never held her, logs nothing);
          // Hannover's registration afterwards is refused everywhere, so it transfers nothing
          'DeathRecorded → MELDEREGISTER 14612000',
          'DeathRecorded → LANDESMELDEREGISTER 14',
          'DeathRecorded → IDNR_BASISDATEN DE',
          'DeathRecorded → MELDEREGISTER 03404000',
          'DeathRecorded → LANDESMELDEREGISTER 03',
        ].sort(),
      );
      // Causal order shows in the times: the Rückmeldung follows the registration, the change follows the record.
      expect(described.indexOf('MovedOut → LANDESMELDEREGISTER 03')).toBeGreaterThan(described.indexOf('ResidenceRegistered → MELDEREGISTER 03404000'));
      expect(described.indexOf('ParcelChanged → GRUNDSTEUER 14612000')).toBeGreaterThan(described.indexOf('ParcelRecorded → GRUNDSTEUER 14612000'));
      expect(described.indexOf('DeathRecorded → IDNR_BASISDATEN DE')).toBeGreaterThan(described.indexOf('NameChanged → IDNR_BASISDATEN DE'));
      for (const transfer of body.transfers) {
        expect(transfer.idnr).toBe(CITIZEN);
        expect(transfer.legalBasis).toMatch(/§/);
        expect(transfer.purpose.length).toBeGreaterThan(10);
        expect(transfer.fields.length).toBeGreaterThan(0);
      }
    });

    it('the cockpit tells the citizen which register keeps her data until when: the deceased resident 55 years after the year of death, the transfer log 2 years', async () => {
      const { body } = await federal.cockpit(CITIZEN);
      const kept = body.kept.map(({ instanceKey, register, recordKind, keptUntil }) => `${register} ${instanceKey} ${recordKind}: ${keptUntil ?? 'while current'}`);
      const endOfYear = (years: number) => `${new Date().getUTCFullYear() + years}-12-31`;
      expect(kept).toEqual(
        expect.arrayContaining([
          `MELDEREGISTER ${DRESDEN} resident: ${endOfYear(55)}`,
          `LANDESMELDEREGISTER 14 resident of the Land: ${endOfYear(55)}`,
          `IDNR_BASISDATEN DE base data of an IdNr: ${endOfYear(20)}`,
          `GRUNDSTEUER ${DRESDEN} parcel on the roll (owner IdNrs, area, usage): while current`,
        ]),
      );
      expect(body.kept.filter(({ recordKind }) => recordKind === 'transfer log entry').map(({ register, instanceKey }) => `${register} ${instanceKey}`).sort()).toEqual(
        [...new Set(body.transfers.map(({ recipient }) => `${recipient.register} ${recipient.instanceKey}`))].sort(),
      );
      for (const record of body.kept) {
        expect(record.legalBasis.length).toBeGreaterThan(10);
        expect(record.rule).toMatch(/^kept /);
      }
    });

    it("each instance's GET /transfers holds exactly its own share of the cockpit view", async () => {
      const cockpit = (await federal.cockpit(CITIZEN)).body.transfers;
      for (const [client, instanceKey] of [[osnabrueck, OSNABRUECK], [dresden, DRESDEN], [niedersachsen, '03'], [sachsen, '14'], [hannover, HANNOVER]] as const) {
        const own = await client.transfers(CITIZEN);
        expect(own.status).toBe(200);
        expect(own.body.transfers.map((transfer) => transfer.eventId + transfer.recipient.register)).toEqual(
          cockpit.filter((transfer) => transfer.recipient.instanceKey === instanceKey).map((transfer) => transfer.eventId + transfer.recipient.register),
        );
      }
    });

    it("the child's cockpit starts with the birth, logged before the IdNr existed and linked to it afterwards", async () => {
      const described = (await federal.cockpit(childIdnr)).body.transfers.map(describeTransfer);
      expect(described.slice(0, 3)).toEqual(['BirthRecorded → MELDEREGISTER 03404000', 'IdNrRequested → IDNR_BASISDATEN DE', 'IdNrAssigned → MELDEREGISTER 03404000']);
      expect(described.slice(3).sort()).toEqual(
        ['ResidenceRegistered → IDNR_BASISDATEN DE', 'ResidenceRegistered → LANDESMELDEREGISTER 03', 'NameChanged → MELDEREGISTER 03404000', 'NameChanged → LANDESMELDEREGISTER 03', 'NameChanged → IDNR_BASISDATEN DE'].sort(),
      );
    });

    it('a field without legal basis never reaches the recipient store', async () => {
      const cockpit = (await federal.cockpit(childIdnr)).body.transfers;
      const birthToMelderegister = cockpit.find((transfer) => transfer.eventType === 'BirthRecorded');
      expect(birthToMelderegister?.fields).not.toContain('parentIdnrs');
      const osnabrueckRows = await e2e.query('municipal', OSNABRUECK, `select to_jsonb(r)::text as row from residents r where birth_registration_id = $1`, [birthRegistrationId]);
      expect(osnabrueckRows).toHaveLength(1);
      expect(osnabrueckRows[0].row).not.toContain(PARENT);

      // The BZSt keeps neither marital status, reason of a name change nor previous address (§ 139b Abs. 3 AO).
      const federalRows = await e2e.query('federal', 'DE', `select to_jsonb(r)::text as row from idnr_base_data r where idnr = $1`, [CITIZEN]);
      expect(federalRows[0].row).not.toMatch(/MARRIED|MARRIAGE|Große Straße/);
      const nameChange = (await federal.cockpit(CITIZEN)).body.transfers.find((transfer) => transfer.eventType === 'NameChanged' && transfer.recipient.register === 'IDNR_BASISDATEN');
      expect(nameChange?.fields.sort()).toEqual(['familyName', 'givenNames', 'idnr', 'previousFamilyName']);
    });
  });

  describe('order by meaning: a late event never undoes a newer state', () => {
    it('a move from Osnabrück to Dresden and back within a second ends with the person resident in Osnabrück only, in every register', async () => {
      const mover = { ...citizen, idnr: generateIdnr(), familyName: 'Hin', givenNames: 'Und Her' };
      expect((await osnabrueck.registerResidence({ ...mover, address: osnabrueckAddress, movedInOn: '2024-01-01', previousAddress: null })).status).toBe(201);
      await waitUntil('the BZSt holds the mover', () => bodyIf(federal.person(mover.idnr)));
      await waitUntil('Niedersachsen holds the mover', () => bodyIf(niedersachsen.resident(mover.idnr)));

      // The second registration follows the first at once: Osnabrück usually takes the Rückmeldung of the move to
      // Dresden only after the person has registered back, so it arrives there (and its MovedOut in Niedersachsen) late.
      const toDresden = await dresden.registerResidence({ ...mover, address: dresdenAddress, movedInOn: '2025-03-01', previousAddress: osnabrueckAddress });
      const back = await osnabrueck.registerResidence({ ...mover, address: osnabrueckAddress, movedInOn: '2025-03-02', previousAddress: dresdenAddress });
      expect([toDresden.status, back.status]).toEqual([201, 201]);
      const events = [toDresden.body.eventId as string, back.body.eventId as string];

      const inDresden = await waitUntil('Dresden did the Rückmeldung of the move back', () => bodyIf(dresden.resident(mover.idnr), (body) => body.status === 'MOVED_OUT'));
      expect(inDresden).toMatchObject({ movedOutTo: OSNABRUECK, movedOutOn: '2025-03-02' });
      await waitUntil('Osnabrück has taken the registration in Dresden', () => inboxHolds('municipal', OSNABRUECK, [events[0]]));
      await waitUntil('Niedersachsen has taken both registrations', () => inboxHolds('state', '03', events));
      await waitUntil('Sachsen has taken both registrations', () => inboxHolds('state', '14', events));
      await waitUntil('the BZSt has taken both registrations', () => inboxHolds('federal', 'DE', events));
      // Whatever Osnabrück sent on (a MovedOut only if it took the Rückmeldung before the registration back) has arrived.
      await waitUntil('Niedersachsen has every event Osnabrück sent about the mover', async () => inboxHolds('state', '03', await outboxEventIds(OSNABRUECK, mover.idnr)));
      // Niedersachsen shows the address of the move back once Dresden answered its Rückmeldung (Dresden's MovedOut).
      const dresdenAnswer = await e2e.query('municipal', DRESDEN, "select event_id::text as id from regsync_outbox where record_key = $1 and event_type = 'MovedOut'", [mover.idnr]);
      expect(dresdenAnswer).toHaveLength(1);
      await waitUntil("Niedersachsen has Dresden's answer to the Rückmeldung", () => inboxHolds('state', '03', [dresdenAnswer[0].id as string]));

      expect((await osnabrueck.resident(mover.idnr)).body).toMatchObject({ status: 'RESIDENT', address: osnabrueckAddress, movedInOn: '2025-03-02', movedOutOn: null });
      expect((await niedersachsen.resident(mover.idnr)).body).toMatchObject({ status: 'RESIDENT', address: osnabrueckAddress, movedInOn: '2025-03-02', movedAwayTo: null });
      expect((await sachsen.resident(mover.idnr)).body).toMatchObject({ status: 'MOVED_AWAY', address: dresdenAddress, movedAwayTo: OSNABRUECK, movedAwayOn: '2025-03-02' });
      expect((await federal.person(mover.idnr)).body).toMatchObject({ address: osnabrueckAddress, movedInOn: '2025-03-02' });
      expect((await hannover.resident(mover.idnr)).status).toBe(404);

      // Deterministically late: Dresden's next event about the mover (the next subject version, so the inbox passes it
      // to every register) is a registration dated before the move back. Every register finds it older than what it holds.
      const codec = await EventCodec.connect(stack.schemaRegistryUrl);
      const producer = kafka.producer();
      await producer.connect();
      const [{ version }] = await e2e.query('municipal', DRESDEN, 'select max(subject_version)::int as version from regsync_outbox where record_key = $1', [mover.idnr]);
      const late = await produce(producer, codec, 'ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: DRESDEN, register: 'MELDEREGISTER' }, mover.idnr, {
        ...mover,
        dateOfBirth: new Date(Date.UTC(1990, 2, 14)),
        address: dresdenAddress,
        movedInOn: new Date(Date.UTC(2024, 5, 1)),
        previousAddress: osnabrueckAddress,
      }, Number(version) + 1);
      await producer.disconnect();
      const lateId = [late.envelope.eventId];
      for (const [level, instanceKey] of [['municipal', OSNABRUECK], ['state', '03'], ['state', '14'], ['federal', 'DE']] as const) {
        await waitUntil(`${level} ${instanceKey} has taken the late registration`, () => inboxHolds(level, instanceKey, lateId));
      }
      expect((await osnabrueck.resident(mover.idnr)).body).toMatchObject({ status: 'RESIDENT', movedInOn: '2025-03-02' });
      expect((await niedersachsen.resident(mover.idnr)).body).toMatchObject({ status: 'RESIDENT', movedInOn: '2025-03-02' });
      expect((await sachsen.resident(mover.idnr)).body).toMatchObject({ status: 'MOVED_AWAY', movedAwayTo: OSNABRUECK, movedInOn: '2025-03-01' });
      expect((await federal.person(mover.idnr)).body).toMatchObject({ address: osnabrueckAddress, movedInOn: '2025-03-02' });
      // Nothing applied, so nothing logged: the late event is in no register's transfer log.
      expect((await federal.cockpit(mover.idnr)).body.transfers.filter((transfer) => transfer.eventId === late.envelope.eventId)).toEqual([]);
    });
  });

  describe('parcels that change municipality', () => {
    it('a parcel that now lies in Leipzig leaves the property-tax roll of Dresden and enters that of Leipzig', async () => {
      const parcelId = '14612300100099______';
      expect((await sachsen.recordParcel({ parcelId, municipalityKey: DRESDEN, areaSquareMetres: 900, usage: 'Gewerbe', ownerIdnrs: [] })).status).toBe(201);
      await waitUntil('Dresden taxes the parcel', () => bodyIf(dresden.propertyTax(parcelId)));

      const moved = await sachsen.recordParcel({ parcelId, municipalityKey: LEIPZIG, areaSquareMetres: 900, usage: 'Gewerbe', ownerIdnrs: [], changeReason: 'Gemeindegebietsänderung' });
      expect(moved.status).toBe(201);
      const entry = await waitUntil('Leipzig taxes the parcel', () => bodyIf(leipzig.propertyTax(parcelId)));
      expect(entry).toMatchObject({ municipalityKey: LEIPZIG, areaSquareMetres: 900, lastChangeReason: 'Gemeindegebietsänderung' });
      await waitUntil('Dresden no longer taxes the parcel', async () => ((await dresden.propertyTax(parcelId)).status === 404 ? true : undefined));
      expect((await sachsen.parcel(parcelId)).body).toMatchObject({ municipalityKey: LEIPZIG });
    });
  });

  describe('changes from a register that is not authoritative', () => {
    let producer: Producer;
    let codec: EventCodec;

    beforeAll(async () => {
      codec = await EventCodec.connect(stack.schemaRegistryUrl);
      producer = kafka.producer();
      await producer.connect();
    });

    afterAll(() => producer.disconnect());

    it('rejects a ResidenceRegistered claiming an address in Dresden from the Melderegister of Hannover, into the dead-letter topic with its reason', async () => {
      const event = await produce(producer, codec, 'ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: HANNOVER, register: 'MELDEREGISTER' }, STRANGER, {
        idnr: STRANGER,
        familyName: 'Falsch',
        givenNames: 'Fritz',
        sex: 'MALE',
        dateOfBirth: new Date(Date.UTC(1980, 0, 1)),
        address: dresdenAddress,
        movedInOn: new Date(Date.UTC(2024, 0, 1)),
        previousAddress: null,
      });
      const deadLetter = await waitUntil('the router dead-letters it', async () => routerDeadLetters.find((letter) => letter.eventId === event.envelope.eventId));
      expect(deadLetter.reasonCode).toBe('not-authoritative');
      expect(deadLetter.reason).toContain(DRESDEN);
      expect((await federal.person(STRANGER)).status).toBe(404);
      expect((await sachsen.resident(STRANGER)).status).toBe(404);
    });

    it('rejects a NameChanged sent by a state register: only civil status is authoritative for names', async () => {
      const event = await produce(producer, codec, 'NameChanged', { level: 'STATE', instanceKey: '03', register: 'LANDESMELDEREGISTER' }, childIdnr, {
        idnr: childIdnr,
        familyName: 'Umbenannt',
        givenNames: 'Mia',
        previousFamilyName: 'Weber',
        reason: 'OTHER',
        maritalStatus: null,
        effectiveOn: new Date(Date.UTC(2026, 0, 1)),
      });
      const deadLetter = await waitUntil('the router dead-letters it', async () => routerDeadLetters.find((letter) => letter.eventId === event.envelope.eventId));
      expect(deadLetter.reasonCode).toBe('not-authoritative');
      expect(deadLetter.reason).toContain('PERSONENSTANDSREGISTER');
      expect((await federal.person(childIdnr)).body).toMatchObject({ familyName: 'Weber-Schulz' });
    });

    it('rejects an event whose envelope names another instance than the owner of the topic it came on as source-mismatch, and no register stores it', async () => {
      // Hannover's principal writes its own outgoing topic, but claims to be the Melderegister of Dresden.
      const event = await produce(producer, codec, 'ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: DRESDEN, register: 'MELDEREGISTER' }, STRANGER, {
        idnr: STRANGER,
        familyName: 'Falsch',
        givenNames: 'Franz',
        sex: 'MALE',
        dateOfBirth: new Date(Date.UTC(1980, 0, 1)),
        address: dresdenAddress,
        movedInOn: new Date(Date.UTC(2024, 0, 1)),
        previousAddress: null,
      }, 1, { level: 'MUNICIPAL', instanceKey: HANNOVER });
      const deadLetter = await waitUntil('the router dead-letters it', async () => routerDeadLetters.find((letter) => letter.eventId === event.envelope.eventId));
      expect(deadLetter.reasonCode).toBe('source-mismatch');
      expect(deadLetter.reason).toContain(`MUNICIPAL ${DRESDEN} MELDEREGISTER`);
      expect((await federal.person(STRANGER)).status).toBe(404);
      expect((await sachsen.resident(STRANGER)).status).toBe(404);
      for (const instance of stack.topology.instances) {
        const level = LEVEL_OF_APP[instance.app];
        expect(await e2e.query(level, instance.instanceKey, 'select event_id from regsync_inbox where event_id = $1', [event.envelope.eventId])).toEqual([]);
      }
    });
  });

  describe('invalid input is refused with the field and the rule, and nothing is written', () => {
    let outboxBefore: number;

    beforeAll(async () => {
      outboxBefore = await outboxCount(OSNABRUECK);
    });

    afterAll(async () => {
      expect(await outboxCount(OSNABRUECK)).toBe(outboxBefore);
    });

    it('refuses an IdNr whose check digit does not match', async () => {
      const response = await osnabrueck.registerResidence({ ...citizen, idnr: '36574261808', address: osnabrueckAddress, movedInOn: today, previousAddress: null });
      expect(response.status).toBe(400);
      expect(response.body.violations).toContainEqual({ field: 'idnr', rule: 'check digit does not match' });
      expect((await osnabrueck.resident('36574261808')).status).toBe(400);
    });

    it('refuses an address in an unknown municipality', async () => {
      const response = await osnabrueck.registerResidence({ ...citizen, address: { ...osnabrueckAddress, municipalityKey: '03999999' }, movedInOn: today, previousAddress: null });
      expect(response.status).toBe(400);
      expect(response.body.violations).toContainEqual({ field: 'address.municipalityKey', rule: 'unknown municipality' });
    });

    it('names every missing field of a birth at once', async () => {
      const response = await osnabrueck.recordBirth({ givenNames: 'Mia' });
      expect(response.status).toBe(400);
      const fields = (response.body.violations as { field: string; rule: string }[]).map((violation) => violation.field);
      expect(fields).toEqual(expect.arrayContaining(['familyName', 'sex', 'dateOfBirth', 'placeOfBirth', 'residence']));
      expect(response.body.violations).toContainEqual({ field: 'familyName', rule: 'is required' });
    });

    it('refuses a birth date in the future and a parcel outside the Land of its cadastre', async () => {
      const birth = await osnabrueck.recordBirth({ familyName: 'Weber', givenNames: 'Ben', sex: 'MALE', dateOfBirth: '2999-01-01', placeOfBirth: 'Osnabrück', residence: osnabrueckAddress });
      expect(birth.status).toBe(400);
      expect((birth.body.violations as { field: string }[])[0].field).toBe('dateOfBirth');
      const parcel = await niedersachsen.recordParcel({ parcelId: PARCEL, municipalityKey: OSNABRUECK, areaSquareMetres: 10, usage: 'Acker', ownerIdnrs: [] });
      expect(parcel.status).toBe(400);
      expect(parcel.body.violations).toContainEqual({ field: 'parcelId', rule: 'must lie in Land 03 (this cadastre)' });
    });

    it('refuses an oversize body with 413', async () => {
      const response = await osnabrueck.send('POST', '/births', JSON.stringify({ familyName: 'x'.repeat(100_000) }));
      expect(response.status).toBe(413);
      expect((response.body.violations as { field: string }[])[0].field).toBe('body');
    });

    it('refuses a body that is not JSON', async () => {
      const response = await osnabrueck.send('POST', '/births', '{"familyName": ');
      expect(response.status).toBe(400);
      expect(response.body.violations).toContainEqual({ field: 'body', rule: 'must be valid JSON' });
    });
  });

  describe('agency authentication', () => {
    it('refuses a call without an API key with 401', async () => {
      const response = await dresden.withApiKey(undefined).resident(CITIZEN);
      expect(response.status).toBe(401);
    });

    it("refuses another municipality's key with 401", async () => {
      const osnabrueckKey = Object.values(stack.instance('municipal-register', OSNABRUECK).agencyApiKeys)[0];
      const response = await dresden.withApiKey(osnabrueckKey).registerResidence({ ...citizen, address: dresdenAddress, movedInOn: today, previousAddress: null });
      expect(response.status).toBe(401);
    });

    it("lets the cockpit's read-only key read the transfer log but refuses it any change with 403", async () => {
      const cockpitClient = osnabrueck.withApiKey(stack.cockpitKeyOf(OSNABRUECK));
      expect((await cockpitClient.transfers(CITIZEN)).status).toBe(200);
      const response = await cockpitClient.recordBirth({ familyName: 'Weber', givenNames: 'Ben', sex: 'MALE', dateOfBirth: today, placeOfBirth: 'Osnabrück', residence: osnabrueckAddress });
      expect(response.status).toBe(403);
    });

    it('keeps /health and the OpenAPI document open, and the document describes each operation and body', async () => {
      expect((await fetch(`${osnabrueck.baseUrl}/health`)).status).toBe(200);
      const document = (await (await fetch(`${osnabrueck.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Body } }> } }>> };
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/births', '/residences', '/name-changes', '/deaths', '/residents/{id}', '/civil-status/{id}', '/property-tax/{parcelId}', '/transfers']));
      expect(Object.keys(document.paths['/births'].post.requestBody!.content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['familyName', 'residence', 'parentIdnrs']));
    });
  });

  async function produce<T extends EventType>(
    producer: Producer,
    codec: EventCodec,
    eventType: T,
    source: { level: string; instanceKey: string; register: string },
    subjectId: string,
    payload: Body,
    subjectVersion = 1,
    writer?: Parameters<E2eStack['send']>[3],
  ): Promise<RegsyncEvent> {
    const event = {
      ...payload,
      envelope: { eventId: randomUUID(), eventType, occurredAt: new Date(), source, subject: { kind: 'PERSON', id: subjectId }, subjectVersion, correlationId: randomUUID(), causationId: null, legalBasis: 'forged' },
    } as unknown as RegsyncEvent;
    await e2e.send(producer, codec, event, writer);
    return event;
  }


  /** Whether the instance's inbox has recorded (applied, or found stale) every one of the events. */
  async function inboxHolds(level: 'municipal' | 'state' | 'federal', instanceKey: string, eventIds: string[]): Promise<true | undefined> {
    const [row] = await e2e.query(level, instanceKey, 'select count(*)::int as held from regsync_inbox where event_id = any($1::uuid[])', [eventIds]);
    return row.held === eventIds.length ? true : undefined;
  }

  async function outboxEventIds(ags: string, idnr: string): Promise<string[]> {
    const rows = await e2e.query('municipal', ags, 'select event_id::text as id from regsync_outbox where record_key = $1', [idnr]);
    return rows.map((row) => row.id as string);
  }

  async function outboxCount(ags: string): Promise<number> {
    const [row] = await e2e.query('municipal', ags, 'select (select count(*) from regsync_outbox) + (select count(*) from residents) + (select count(*) from civil_status_records) as rows');
    return Number(row.rows);
  }
});
}

const LEVEL_OF_APP = { 'municipal-register': 'municipal', 'state-register': 'state', 'federal-register': 'federal' } as const;

/** `EventType → REGISTER instance`: how the assertions name a transfer. */
function describeTransfer(transfer: Transfer): string {
  return `${transfer.eventType} → ${transfer.recipient.register} ${transfer.recipient.instanceKey}`;
}

async function bodyIf(response: Promise<{ status: number; body: Body }>, condition: (body: Body) => boolean = () => true): Promise<Body | undefined> {
  const { status, body } = await response;
  return status === 200 && condition(body) ? body : undefined;
}
