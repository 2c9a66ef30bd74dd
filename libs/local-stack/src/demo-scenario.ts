import { randomUUID } from 'node:crypto';
import { AgencyClient, type Transfer } from './agency-client';
import type { LocalStack } from './local-stack';
import { waitUntil } from './wait-until';

type Body = Record<string, unknown>;

const OSNABRUECK = '03404000';
const DRESDEN = '14612000';
/** Anna Schmidt, an adult living in Osnabrück; her IdNr passes the check digit and repetition rules. */
const CITIZEN_IDNR = '36574261809';
const PARENT_IDNR = '12345678995';
const PARCEL_ID = '14612300100012______';

const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const dresdenAddress = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: DRESDEN };

/**
 * `npm start`'s demo (flows 1, 2, 3 and 5 of DESIGN.md; the death is in the end-to-end test): a child is born in Osnabrück, Anna Schmidt moves from Osnabrück to Dresden and marries there,
 * a parcel in Dresden changes. Each step is one agency call; the demo waits until every register shows the effect,
 * then prints what each register holds and Anna's cockpit view.
 */
export async function playDemo(stack: LocalStack, print: (line: string) => void): Promise<void> {
  const osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
  const dresden = AgencyClient.of(stack, 'municipal-register', DRESDEN);
  const niedersachsen = AgencyClient.of(stack, 'state-register', '03');
  const sachsen = AgencyClient.of(stack, 'state-register', '14');
  const federal = AgencyClient.of(stack, 'federal-register', 'DE');
  const step = (text: string) => print(`\ndemo: ${text}`);

  // Each step is one citizen action with its own correlation id; the demo waits until the cockpit shows every
  // transfer the action must cause, so it also works on registers that still hold an earlier demo run.
  const arrived = (idnr: string, correlationId: string, expected: string[]) =>
    waitUntil(`${expected.join(', ')} arrived`, async () => {
      const cockpit = await federal.cockpit(idnr);
      const seen = cockpit.body.transfers.filter((transfer) => transfer.correlationId === correlationId).map((transfer) => `${transfer.eventType} → ${transfer.recipient.register} ${transfer.recipient.instanceKey}`);
      return expected.every((transfer) => seen.includes(transfer)) || undefined;
    });

  step('Anna Schmidt lives in Osnabrück (registered there, e.g. after moving from abroad)');
  const settled = randomUUID();
  expectCreated(
    await osnabrueck.registerResidence({ idnr: CITIZEN_IDNR, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null }, settled),
  );
  await arrived(CITIZEN_IDNR, settled, ['ResidenceRegistered → LANDESMELDEREGISTER 03', 'ResidenceRegistered → IDNR_BASISDATEN DE']);

  step('1. birth: the Standesamt Osnabrück records the birth of Mia Weber');
  const born = randomUUID();
  const birth = expectCreated(
    await osnabrueck.recordBirth({ familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: today(), placeOfBirth: 'Osnabrück', parentIdnrs: [PARENT_IDNR], residence: osnabrueckAddress }, born),
  );
  const birthRegistrationId = birth.birthRegistrationId as string;
  print(`      birth registration id ${birthRegistrationId}, correlation id ${born}`);
  const child = await waitUntil('the BZSt has assigned Mia an IdNr', async () => {
    const resident = await osnabrueck.resident(birthRegistrationId);
    return resident.status === 200 && resident.body.idnr ? resident.body : undefined;
  });
  const childIdnr = child.idnr as string;
  print(`      IdNr ${childIdnr} assigned by the BZSt and stored in the Melderegister Osnabrück`);
  await arrived(childIdnr, born, ['ResidenceRegistered → LANDESMELDEREGISTER 03', 'ResidenceRegistered → IDNR_BASISDATEN DE']);

  step('2. move: Anna registers in Dresden, and only there');
  const moved = randomUUID();
  expectCreated(
    await dresden.registerResidence({ idnr: CITIZEN_IDNR, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', address: dresdenAddress, movedInOn: today(), previousAddress: osnabrueckAddress }, moved),
  );
  await arrived(CITIZEN_IDNR, moved, ['ResidenceRegistered → MELDEREGISTER 03404000', 'MovedOut → LANDESMELDEREGISTER 03', 'ResidenceRegistered → LANDESMELDEREGISTER 14', 'ResidenceRegistered → IDNR_BASISDATEN DE']);

  step('3. name change: Anna marries in Dresden and takes the name Köhler');
  const married = randomUUID();
  expectCreated(await dresden.recordNameChange({ idnr: CITIZEN_IDNR, familyName: 'Köhler', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: today() }, married));
  await arrived(CITIZEN_IDNR, married, ['NameChanged → MELDEREGISTER 14612000', 'NameChanged → LANDESMELDEREGISTER 14', 'NameChanged → IDNR_BASISDATEN DE']);

  step('4. parcel change: the cadastre of Sachsen records Anna’s parcel in Dresden, then a change of its area and usage');
  const surveyed = randomUUID();
  expectCreated(await sachsen.recordParcel({ parcelId: PARCEL_ID, municipalityKey: DRESDEN, areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [CITIZEN_IDNR], changeReason: 'Ersterfassung im Demo' }, surveyed));
  const divided = randomUUID();
  expectCreated(await sachsen.recordParcel({ parcelId: PARCEL_ID, municipalityKey: DRESDEN, areaSquareMetres: 587, usage: 'Wohnbaufläche mit Garten', ownerIdnrs: [CITIZEN_IDNR], changeReason: 'Zerlegung: Teilfläche an Straßenland abgegeben' }, divided));
  await arrived(CITIZEN_IDNR, divided, ['ParcelChanged → GRUNDSTEUER 14612000']);

  step('what each register holds now');
  print(`  Melderegister Osnabrück      Anna: ${residentLine((await osnabrueck.resident(CITIZEN_IDNR)).body)}`);
  print(`  Melderegister Osnabrück      Mia:  ${residentLine((await osnabrueck.resident(childIdnr)).body)}`);
  print(`  Personenstandsregister OS    Mia:  ${civilLine((await osnabrueck.civilStatus(birthRegistrationId)).body)}`);
  print(`  Melderegister Dresden        Anna: ${residentLine((await dresden.resident(CITIZEN_IDNR)).body)}`);
  print(`  Personenstandsregister DD    Anna: ${civilLine((await dresden.civilStatus(CITIZEN_IDNR)).body)}`);
  print(`  Landesmelderegister 03       Anna: ${residentLine((await niedersachsen.resident(CITIZEN_IDNR)).body)}`);
  print(`  Landesmelderegister 03       Mia:  ${residentLine((await niedersachsen.resident(childIdnr)).body)}`);
  print(`  Landesmelderegister 14       Anna: ${residentLine((await sachsen.resident(CITIZEN_IDNR)).body)}`);
  print(`  IdNr-Basisdaten (BZSt)       Anna: ${residentLine((await federal.person(CITIZEN_IDNR)).body)}`);
  print(`  IdNr-Basisdaten (BZSt)       Mia:  ${residentLine((await federal.person(childIdnr)).body)}`);
  print(`  Liegenschaftskataster 14     ${parcelLine((await sachsen.parcel(PARCEL_ID)).body)}`);
  print(`  Grundsteuer Dresden          ${parcelLine((await dresden.propertyTax(PARCEL_ID)).body)}`);

  for (const [name, idnr] of [['Anna', CITIZEN_IDNR], ['Mia', childIdnr]] as const) {
    const cockpit = await federal.cockpit(idnr);
    step(`cockpit: every transfer of ${name}'s data (IdNr ${idnr}), across all registers, by time, and what each register keeps until when`);
    for (const transfer of cockpit.body.transfers) print(`  ${transferLine(transfer)}`);
    print(`  kept until:`);
    for (const kept of cockpit.body.kept) print(`  ${`${kept.register} ${kept.instanceKey}`.padEnd(32)} ${String(kept.records).padStart(3)} × ${kept.recordKind}: ${kept.keptUntil ?? 'while current'} (${kept.rule})`);
    for (const missing of cockpit.body.unreachable) print(`  (incomplete: ${missing.name} ${missing.problem})`);
  }
  print('');
}

function expectCreated(response: { status: number; body: Body }): Body {
  if (response.status !== 201) throw new Error(`demo: agency call refused with ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function addressOf(body: Body): Body {
  return (body.address as Body | undefined) ?? {};
}

function residentLine(body: Body): string {
  const address = addressOf(body);
  const status = body.status ?? '';
  const extra = [body.maritalStatus && `marital status ${String(body.maritalStatus)}`, body.movedOutTo && `moved out to ${String(body.movedOutTo)}`, body.movedAwayTo && `moved away to ${String(body.movedAwayTo)}`, body.dateOfDeath && `died ${String(body.dateOfDeath)}`]
    .filter(Boolean)
    .join(', ');
  return `${String(body.givenNames)} ${String(body.familyName)}, born ${String(body.dateOfBirth)}, ${String(address.street)} ${String(address.houseNumber)}, ${String(address.postalCode)} ${String(address.city)} — ${String(status)}${extra ? ` (${extra})` : ''}`;
}

function civilLine(body: Body): string {
  return `${String(body.givenNames)} ${String(body.familyName)}, ${String(body.maritalStatus)}, ${String(body.status)}, names: ${((body.nameHistory as Body[]) ?? []).map((entry) => `${String(entry.familyName)} (${String(entry.reason)})`).join(' → ')}`;
}

function parcelLine(body: Body): string {
  return `${String(body.parcelId)}: ${String(body.areaSquareMetres)} m², ${String(body.usage)}, owners ${(body.ownerIdnrs as string[]).join(', ')}${body.lastChangeReason ? `, last change: ${String(body.lastChangeReason)}` : ''}`;
}

function transferLine(transfer: Transfer): string {
  const from = `${transfer.sender.register} ${transfer.sender.instanceKey}`;
  const to = `${transfer.recipient.register} ${transfer.recipient.instanceKey}`;
  return `${transfer.transferredAt}  ${transfer.eventType.padEnd(19)} ${from.padEnd(32)} → ${to.padEnd(29)} [${transfer.fields.join(', ')}] ${transfer.legalBasis}`;
}
