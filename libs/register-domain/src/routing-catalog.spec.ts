import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectForRecipient, routeFor, ROUTING_CATALOG } from './routing-catalog';

const schemasDir = join(__dirname, '../../../schemas');

/** Payload field names (all but the envelope) of the latest schema version of every event type. */
function payloadFieldsByEventType(): Map<string, string[]> {
  const latest = new Map<string, { version: number; fields: string[] }>();
  for (const kind of readdirSync(schemasDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name)) {
    for (const file of readdirSync(join(schemasDir, kind)).filter((f) => f.endsWith('.avsc'))) {
      const schema = JSON.parse(readFileSync(join(schemasDir, kind, file), 'utf8'));
      const version = Number(/\.v(\d+)\.avsc$/.exec(file)?.[1] ?? 0);
      if ((latest.get(schema.name)?.version ?? -1) < version) {
        latest.set(schema.name, { version, fields: schema.fields.slice(1).map((f: { name: string }) => f.name) });
      }
    }
  }
  return new Map([...latest].map(([name, { fields }]) => [name, fields]));
}

const residenceRegistered = {
  envelope: { eventType: 'ResidenceRegistered' },
  idnr: '36574261809',
  familyName: 'Müller',
  givenNames: 'Erika',
  sex: 'FEMALE',
  dateOfBirth: new Date('1990-05-01T00:00:00Z'),
  address: { street: 'Prager Straße', houseNumber: '1', postalCode: '01069', city: 'Dresden', municipalityKey: '14612000' },
  movedInOn: new Date('2026-03-01T00:00:00Z'),
  previousAddress: { street: 'Große Straße', houseNumber: '5', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
  dwellingStatus: 'HAUPTWOHNUNG',
};

describe('routing catalog', () => {
  it('lists only fields that exist in the event schema', () => {
    const schemaFields = payloadFieldsByEventType();
    for (const route of ROUTING_CATALOG) {
      const known = schemaFields.get(route.eventType);
      expect({ route: `${route.recipient} ← ${route.eventType}`, unknown: route.fields.filter((f) => !known?.includes(f)) })
        .toEqual({ route: `${route.recipient} ← ${route.eventType}`, unknown: [] });
    }
  });

  it('has one route per recipient and event type, each with a legal basis and a purpose', () => {
    const keys = ROUTING_CATALOG.map((route) => `${route.recipient}/${route.eventType}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of ROUTING_CATALOG) {
      expect(route.legalBasis).toMatch(/§/);
      expect(route.purpose.length).toBeGreaterThan(10);
    }
  });

  it('drops the previous address before a move reaches the federal IdNr base data', () => {
    const projection = projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', residenceRegistered);
    expect(projection?.droppedFields).toEqual(['previousAddress', 'dwellingStatus']);
    expect(projection?.payload).not.toHaveProperty('previousAddress');
    expect(projection?.payload.address).toEqual(residenceRegistered.address);
    expect(projection?.route.legalBasis).toBe('§ 139b Abs. 8 AO, § 9 Abs. 1 2. BMeldDÜV');
  });

  it('gives the federal IdNr base data the registration of a Hauptwohnung only, without the status (§ 139b Abs. 6 AO)', () => {
    expect(projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', { ...residenceRegistered, dwellingStatus: 'NEBENWOHNUNG' })).toBeUndefined();
    expect(projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', residenceRegistered)?.payload).not.toHaveProperty('dwellingStatus');
  });

  it('lets a delivery the route cut the status from through at the BZSt: the router decided on the whole event', () => {
    const delivered = projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', residenceRegistered)!.payload;
    expect(delivered).not.toHaveProperty('dwellingStatus');
    expect(projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', delivered)).toBeDefined();
    expect(projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', { ...delivered, dwellingStatus: 'NEBENWOHNUNG' })).toBeUndefined();
  });

  it("gives a Land and the previous municipality the dwelling's status of every registration", () => {
    const nebenwohnung = { ...residenceRegistered, dwellingStatus: 'NEBENWOHNUNG' };
    expect(projectForRecipient('LANDESMELDEREGISTER', 'ResidenceRegistered', nebenwohnung)?.payload.dwellingStatus).toBe('NEBENWOHNUNG');
    expect(projectForRecipient('MELDEREGISTER', 'ResidenceRegistered', nebenwohnung)?.payload.dwellingStatus).toBe('NEBENWOHNUNG');
  });

  it('passes the envelope on unfiltered', () => {
    const projection = projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', residenceRegistered);
    expect(projection?.payload.envelope).toBe(residenceRegistered.envelope);
  });

  it('gives the previous municipality the whole registration for the Rückmeldung', () => {
    const projection = projectForRecipient('MELDEREGISTER', 'ResidenceRegistered', residenceRegistered);
    expect(projection?.droppedFields).toEqual([]);
    expect(projection?.route.legalBasis).toBe('§ 33 Abs. 1 BMG');
  });

  it("drops the parents' IdNrs from a birth reaching the Melderegister", () => {
    const birth = {
      birthRegistrationId: 'G-14612000-2026-000123',
      familyName: 'Müller',
      givenNames: 'Lena',
      sex: 'FEMALE',
      dateOfBirth: new Date('2026-03-01T00:00:00Z'),
      placeOfBirth: 'Dresden',
      parentIdnrs: ['36574261809'],
      residence: residenceRegistered.address,
    };
    const projection = projectForRecipient('MELDEREGISTER', 'BirthRecorded', birth);
    expect(projection?.droppedFields).toEqual(['parentIdnrs']);
    const { parentIdnrs: _dropped, ...allowed } = birth;
    expect(projection?.payload).toEqual(allowed);
  });

  it('gives a Land only the IdNr and the date of a death, which is all its mirror keeps', () => {
    const projection = projectForRecipient('LANDESMELDEREGISTER', 'DeathRecorded', { idnr: '36574261809', dateOfDeath: new Date('2026-07-01T00:00:00Z'), placeOfDeath: 'Dresden' });
    expect(projection?.payload).toEqual({ idnr: '36574261809', dateOfDeath: new Date('2026-07-01T00:00:00Z') });
    expect(projection?.droppedFields).toEqual(['placeOfDeath']);
  });

  it('does not change the input payload', () => {
    const copy = structuredClone(residenceRegistered);
    projectForRecipient('IDNR_BASISDATEN', 'ResidenceRegistered', residenceRegistered);
    expect(residenceRegistered).toEqual(copy);
  });

  it('refuses an event type the recipient has no basis for', () => {
    expect(projectForRecipient('GRUNDSTEUER', 'InformationBlockSet', { idnr: '36574261809', blockKind: 'AUSKUNFTSSPERRE' })).toBeUndefined();
    expect(projectForRecipient('GRUNDSTEUER', 'ResidenceRegistered', residenceRegistered)).toBeUndefined();
    expect(routeFor('LIEGENSCHAFTSKATASTER', 'ParcelChanged')).toBeUndefined();
    expect(routeFor('MELDEREGISTER', 'NoSuchEvent')).toBeUndefined();
  });

  it('gives the property-tax roll owner IdNrs but nothing else personal', () => {
    const projection = projectForRecipient('GRUNDSTEUER', 'ParcelChanged', {
      parcelId: '14612300100012______',
      municipalityKey: '14612000',
      areaSquareMetres: 812,
      usage: 'Wohnbaufläche',
      ownerIdnrs: ['36574261809'],
      ownerNames: ['Erika Müller'],
      changeReason: 'Teilung',
    });
    expect(projection?.payload.ownerIdnrs).toEqual(['36574261809']);
    expect(projection?.droppedFields).toEqual(['ownerNames']);
  });
});

describe('the restating events of a drift repair', () => {
  const repairedFlow = { ResidenceRestated: 'ResidenceRegistered', NamesRestated: 'NameChanged', ParcelRestated: 'ParcelChanged' } as const;

  it.each(Object.entries(repairedFlow))('%s goes only where %s goes, under its legal basis, with no field it does not give', (restating, flow) => {
    const routes = ROUTING_CATALOG.filter((route) => route.eventType === restating);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const flowRoute = routeFor(route.recipient, flow);
      expect(flowRoute).toBeDefined();
      expect(route.legalBasis).toBe(flowRoute!.legalBasis);
      expect(route.onlyWhen).toEqual(flowRoute!.onlyWhen);
      expect(route.fields.filter((field) => field !== 'requestedBy' && !flowRoute!.fields.includes(field))).toEqual([]);
      // who asked for the repair is logged with every transfer it causes
      expect(route.fields).toContain('requestedBy');
    }
  });
});
