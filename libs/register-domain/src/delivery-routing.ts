import { agsFormatViolation } from './ags';
import { recipientsOf } from './relevance';
import { FEDERAL_INSTANCE_KEY, type RegisterAddress, type RegisterInstance, type RegisterKind } from './registers';
import { routeCovers, routeFor, type Route } from './routing-catalog';

/** The register instances that exist and can receive deliveries. */
export interface RoutingTopology {
  instances: readonly RegisterInstance[];
}

/** One delivery: the event goes to this register of this instance, cut to the route's fields. */
export interface Delivery {
  recipient: RegisterAddress;
  route: Route;
}

/**
 * A register that holds (or held) data about a subject: regsync's afnemersindicatie (Dutch BRP). The router keeps
 * them per subject id, so that a death or an information block reaches exactly the registers that hold the person.
 */
export interface Holding {
  subjectId: string;
  holder: RegisterAddress;
  /** Given when the held subject is not the event's: the owners a parcel event names are persons. */
  subjectKind?: 'PERSON';
}

/**
 * Events that concern everyone who holds the person, but whose recipients cannot be told from the event itself: they
 * go to a register of these kinds only if it holds the subject. Every other route names its recipients in the event.
 */
const HOLDER_ROUTED: Readonly<Partial<Record<string, readonly RegisterKind[]>>> = {
  DeathRecorded: ['MELDEREGISTER', 'LANDESMELDEREGISTER'],
  InformationBlockSet: ['MELDEREGISTER', 'LANDESMELDEREGISTER'],
  InformationBlockLifted: ['MELDEREGISTER', 'LANDESMELDEREGISTER'],
  // and the cadastre and property-tax rolls that list the person as an owner (holdingsAfter)
  PersonErased: ['MELDEREGISTER', 'LANDESMELDEREGISTER', 'GRUNDSTEUER', 'LIEGENSCHAFTSKATASTER'],
};

/** Events that name a parcel's owners by IdNr (`ownerIdnrs`). */
const OWNER_NAMING_EVENTS: readonly string[] = ['ParcelRecorded', 'ParcelChanged', 'ParcelRestated'];

/** Register kinds that keep a person's data once they have received it, and so hold the person afterwards. */
const PERSON_HOLDING_REGISTERS: readonly RegisterKind[] = ['MELDEREGISTER', 'LANDESMELDEREGISTER'];

/**
 * Who gets this event, decided once before delivery: the registers the event itself names (relevance.ts: the new and
 * the previous municipality of a move and their Länder, the BZSt, a parcel's municipality, ...) and, for events that
 * concern every register holding the person, exactly the `holders` among them. Never an instance the topology does
 * not run, never a register without a route in the routing catalog that covers the event (`onlyWhen`).
 *
 * Only the instances the event can concern are asked (those named in the payload, their Länder, the source's own
 * instance and Land, the BZSt and the holders), so the cost does not grow with the number of municipalities.
 */
export function deliveriesOf(
  eventType: string,
  payload: Record<string, unknown>,
  source: RegisterAddress,
  topology: RoutingTopology,
  holders: readonly RegisterAddress[],
): Delivery[] {
  const holderRouted = HOLDER_ROUTED[eventType] ?? [];
  const deliveries: Delivery[] = [];
  for (const instance of candidateInstances(payload, source, topology, holders)) {
    for (const register of recipientsOf(instance, eventType, payload, source)) {
      const recipient: RegisterAddress = { ...instance, register };
      if (holderRouted.includes(register) && !holders.some((holder) => sameRegister(holder, recipient))) continue;
      // An instance gets an event once (its inbox keys it by event id): the first of its registers the event concerns.
      if (deliveries.some((delivery) => sameInstance(delivery.recipient, recipient))) continue;
      const route = routeFor(register, eventType);
      if (route && routeCovers(route, payload)) deliveries.push({ recipient, route });
    }
  }
  return deliveries;
}

/**
 * The holdings this event creates: every Melderegister and Landesmelderegister it is delivered to keeps the person's
 * data from then on, and so does the Melderegister that sent it. An IdNr assignment makes the requesting Melderegister
 * a holder under the new IdNr as well as under the birth registration id the birth's events are keyed by. A parcel
 * event makes the cadastre that sent it and the roll it reaches holders of each owner it names, so an owner's erasure
 * reaches them.
 */
export function holdingsAfter(
  eventType: string,
  payload: Record<string, unknown>,
  source: RegisterAddress,
  subjectId: string,
  deliveries: readonly Delivery[],
): Holding[] {
  // An erased person is held by no one any more (the router forgets its holders).
  if (eventType === 'PersonErased') return [];
  if (OWNER_NAMING_EVENTS.includes(eventType)) {
    const owners = Array.isArray(payload.ownerIdnrs) ? (payload.ownerIdnrs as string[]) : [];
    const holders = [source, ...deliveries.map((delivery) => delivery.recipient)];
    return owners.flatMap((owner) => holders.map((holder): Holding => ({ subjectKind: 'PERSON', subjectId: owner, holder })));
  }
  const holders = deliveries.map((delivery) => delivery.recipient).filter((recipient) => PERSON_HOLDING_REGISTERS.includes(recipient.register));
  if (source.register === 'MELDEREGISTER') holders.push(source);
  const subjectIds = eventType === 'IdNrAssigned' && typeof payload.idnr === 'string' ? [subjectId, payload.idnr] : [subjectId];
  return subjectIds.flatMap((id) => holders.map((holder) => ({ subjectId: id, holder })));
}

function candidateInstances(
  payload: Record<string, unknown>,
  source: RegisterAddress,
  topology: RoutingTopology,
  holders: readonly RegisterAddress[],
): RegisterInstance[] {
  const municipalities = new Set<string>([...municipalityKeysIn(payload), ...(source.level === 'MUNICIPAL' ? [source.instanceKey] : [])]);
  const wanted = new Set<string>([
    ...[...municipalities].map((ags) => instanceId({ level: 'MUNICIPAL', instanceKey: ags })),
    ...[...municipalities].map((ags) => instanceId({ level: 'STATE', instanceKey: ags.slice(0, 2) })),
    ...(source.level === 'STATE' ? [instanceId(source)] : []),
    instanceId({ level: 'FEDERAL', instanceKey: FEDERAL_INSTANCE_KEY }),
    ...holders.map(instanceId),
  ]);
  const running = instancesById(topology);
  return [...wanted].flatMap((id) => running.get(id) ?? []);
}

const indexes = new WeakMap<RoutingTopology, Map<string, RegisterInstance>>();

/** The topology's instances by id, built once per topology: a lookup per candidate, not a scan of 10,000 instances. */
function instancesById(topology: RoutingTopology): Map<string, RegisterInstance> {
  let index = indexes.get(topology);
  if (!index) {
    index = new Map(topology.instances.map((instance) => [instanceId(instance), instance]));
    indexes.set(topology, index);
  }
  return index;
}

/** Every well-formed AGS in the payload's top-level fields and their addresses (municipalityKey, residence, ...). */
function municipalityKeysIn(payload: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const value of Object.values(payload)) {
    const candidates = typeof value === 'object' && value !== null ? Object.values(value as Record<string, unknown>) : [value];
    for (const candidate of candidates) {
      if (typeof candidate === 'string' && agsFormatViolation(candidate) === undefined) keys.push(candidate);
    }
  }
  return keys;
}

function instanceId(instance: RegisterInstance): string {
  return `${instance.level} ${instance.instanceKey}`;
}

function sameRegister(a: RegisterAddress, b: RegisterAddress): boolean {
  return sameInstance(a, b) && a.register === b.register;
}

function sameInstance(a: RegisterInstance, b: RegisterInstance): boolean {
  return a.level === b.level && a.instanceKey === b.instanceKey;
}
