import { generateIdnr } from '@regsync/register-domain/identifiers';
import { seededRandom } from '../seeded-random';
import { expectedRegisters, loadedResident, parseMix, planMixedWorkload, type Person } from './mixed-workload';

const MUNICIPALITIES = [
  { instanceKey: '03404000', name: 'Osnabrück' },
  { instanceKey: '03459001', name: 'Alfhausen' },
  { instanceKey: '03241001', name: 'Hannover' },
  { instanceKey: '14612000', name: 'Dresden' },
  { instanceKey: '14713000', name: 'Leipzig' },
];

function sample(count: number): Person[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, (_, index) => {
    const municipality = MUNICIPALITIES[index % MUNICIPALITIES.length];
    const idnr = generateIdnr(random);
    return { idnr, ags: municipality.instanceKey, loaded: loadedResident(idnr, municipality, random) };
  });
}

describe('the mixed workload of the scale run', () => {
  it('plans every kind at its share, each loaded person in one action at most, through the agency each kind goes to', () => {
    const persons = sample(200);
    const plan = planMixedWorkload({ municipalities: MUNICIPALITIES, persons, count: 100, mix: parseMix('moves:40,births:10,name-changes:20,deaths:10,parcel-changes:20'), random: seededRandom(1), prefix: 'p-', today: '2026-12-07' });
    const count = (kind: string) => plan.actions.filter((action) => action.kind === kind).length;
    expect([count('move within a Land') + count('move across Länder'), count('birth'), count('name change'), count('death'), count('parcel change')]).toEqual([40, 10, 20, 10, 20]);
    const actedOn = persons.filter((person) => person.movedTo || person.renamedTo || person.died);
    expect(actedOn).toHaveLength(70);
    expect(actedOn.filter((person) => [person.movedTo, person.renamedTo, person.died].filter(Boolean).length > 1)).toEqual([]);
    const death = plan.actions.find((action) => action.kind === 'death')!;
    expect(persons.find((person) => person.idnr === death.body.idnr)).toMatchObject({ ags: death.municipalityKey, died: true });
    expect(plan.parcelsAfter.map((parcel) => parcel.parcelId.slice(0, 2))).toEqual(plan.parcelsAfter.map((parcel) => parcel.municipalityKey.slice(0, 2)));
    expect(plan.parcelsAfter.filter((parcel) => new Set(parcel.ownerIdnrs).size !== 2)).toEqual([]);
    expect(new Set(plan.actions.map((action) => action.correlationId)).size).toBe(100);
  });

  it('expects each register to hold who is where with which name, who died, and each parcel’s owners at its roll', () => {
    const [moved, renamed, died] = sample(3).map((person, index) => ({ ...person, ags: ['03404000', '03404000', '14612000'][index] }));
    moved.movedTo = '14713000';
    renamed.renamedTo = 'Weber-Lange';
    died.died = true;
    const parcel = { parcelId: '14900000100001______', municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wald', ownerIdnrs: [moved.idnr, died.idnr] };
    const expected = expectedRegisters([moved, renamed, died], [{ correlationId: 'b', ags: '03241001', familyName: 'Nowak', birthRegistrationId: '03241001-G-2026-000001', idnr: '86095742719' }], [parcel]);
    expect(expected.melderegister).toEqual([
      `14713000/${moved.idnr}/RESIDENT/${moved.loaded.familyName}`,
      `03404000/${moved.idnr}/MOVED_OUT/${moved.loaded.familyName}`,
      `03404000/${renamed.idnr}/RESIDENT/Weber-Lange`,
      `14612000/${died.idnr}/DECEASED/${died.loaded.familyName}`,
      '03241001/86095742719/RESIDENT/Nowak',
    ]);
    expect(expected.landesmelderegister).toEqual([
      `14/${moved.idnr}/RESIDENT/${moved.loaded.familyName}`,
      `03/${moved.idnr}/MOVED_AWAY/${moved.loaded.familyName}`,
      `03/${renamed.idnr}/RESIDENT/Weber-Lange`,
      `14/${died.idnr}/DECEASED/${died.loaded.familyName}`,
      '03/86095742719/RESIDENT/Nowak',
    ]);
    expect(expected.personenstandsregister).toEqual([`03404000/${renamed.idnr}/ALIVE/Weber-Lange`, `14612000/${died.idnr}/DECEASED/${died.loaded.familyName}`, '03241001/86095742719/ALIVE/Nowak']);
    expect(expected.idnrBaseData).toContain(`${died.idnr}/14612000/DECEASED/${died.loaded.familyName}`);
    expect(expected.propertyTaxRolls).toEqual([`14612000/14900000100001______/14612000/612/${moved.idnr},${died.idnr}`]);
    expect(expected.cadastre).toEqual([`14/14900000100001______/14612000/612/${moved.idnr},${died.idnr}`]);
  });

  it('refuses a mix naming an unknown kind', () => {
    expect(() => parseMix('moves:50,weddings:10')).toThrow(/weddings:10 is not <kind>:<share>/);
  });
});
