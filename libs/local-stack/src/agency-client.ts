import type { LocalStack, TopologyInstance } from './local-stack';
import type { KeptRecord } from '@regsync/data-protection/retention-and-erasure';
import type { TransferView } from '@regsync/data-protection/transfers';

export interface AgencyResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  correlationId: string | null;
  headers: Headers;
}

/**
 * What an agency's backend does with a regsync instance: submit the citizen's one input and read the register.
 * Used by the demo and the end-to-end test; every call goes over HTTP with the agency's API key.
 */
export class AgencyClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly idempotencyKey?: string,
  ) {}

  /** A client for one instance of the topology, authenticated with its first configured agency key. */
  static of(stack: LocalStack, app: TopologyInstance['app'], instanceKey: string): AgencyClient {
    const instance = stack.instance(app, instanceKey);
    return new AgencyClient(stack.baseUrlOf(app, instanceKey), Object.values(instance.agencyApiKeys)[0]);
  }

  withApiKey(apiKey: string | undefined): AgencyClient {
    return new AgencyClient(this.baseUrl, apiKey, this.idempotencyKey);
  }

  /** The same client whose writes carry `Idempotency-Key: key`, as a retrying agency system sends them. */
  withIdempotencyKey(key: string): AgencyClient {
    return new AgencyClient(this.baseUrl, this.apiKey, key);
  }

  /** The same agency at another address, e.g. a replica of the instance. */
  at(baseUrl: string): AgencyClient {
    return new AgencyClient(baseUrl, this.apiKey, this.idempotencyKey);
  }

  /** A batch of an initial load (a Melderegister migrating into regsync): `{ residents: [...] }`. */
  loadInitially(body: unknown, correlationId?: string) {
    return this.send<{ correlationId?: string; loaded?: number; violations?: { field: string; rule: string }[] }>('POST', '/residences/initial-load', body, correlationId);
  }

  recordBirth(body: unknown, correlationId?: string) {
    return this.send('POST', '/births', body, correlationId);
  }

  registerResidence(body: unknown, correlationId?: string) {
    return this.send('POST', '/residences', body, correlationId);
  }

  recordNameChange(body: unknown, correlationId?: string) {
    return this.send('POST', '/name-changes', body, correlationId);
  }

  recordDeath(body: unknown, correlationId?: string) {
    return this.send('POST', '/deaths', body, correlationId);
  }

  registerSecondaryResidence(body: unknown, correlationId?: string) {
    return this.send('POST', '/secondary-residences', body, correlationId);
  }

  /** Abmeldung of a Nebenwohnung: `{ address, movedOutOn }`. */
  moveOutOfSecondaryResidence(idnr: string, body: unknown, correlationId?: string) {
    return this.send('POST', `/secondary-residences/${encodeURIComponent(idnr)}/move-out`, body, correlationId);
  }

  secondaryResidences(idnr: string) {
    return this.send<{ idnr: string; secondaryResidences: Record<string, unknown>[] }>('GET', `/secondary-residences/${encodeURIComponent(idnr)}`);
  }

  recordParcel(body: unknown, correlationId?: string) {
    return this.send('POST', '/parcels', body, correlationId);
  }

  /** Municipal Melderegister by IdNr or birth registration id; state Landesmelderegister by IdNr. */
  resident(id: string) {
    return this.send('GET', `/residents/${encodeURIComponent(id)}`);
  }

  residents() {
    return this.send<{ residents: Record<string, unknown>[] }>('GET', '/residents');
  }

  civilStatus(id: string) {
    return this.send('GET', `/civil-status/${encodeURIComponent(id)}`);
  }

  propertyTax(parcelId: string) {
    return this.send('GET', `/property-tax/${encodeURIComponent(parcelId)}`);
  }

  parcel(parcelId: string) {
    return this.send('GET', `/parcels/${encodeURIComponent(parcelId)}`);
  }

  person(idnr: string) {
    return this.send('GET', `/persons/${encodeURIComponent(idnr)}`);
  }

  transfers(idnr: string) {
    return this.send<{ idnr: string; transfers: Transfer[] }>('GET', `/transfers?idnr=${encodeURIComponent(idnr)}`);
  }

  cockpit(idnr: string) {
    return this.send<{ idnr: string; transfers: Transfer[]; kept: KeptRecord[]; unreachable: { name: string; problem: string }[] }>('GET', `/cockpit/${encodeURIComponent(idnr)}`);
  }

  /** Any call, e.g. a raw (oversize, malformed, not UTF-8) body for the validation tests. */
  async send<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown, correlationId?: string): Promise<AgencyResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.apiKey !== undefined) headers['x-api-key'] = this.apiKey;
    if (correlationId) headers['x-correlation-id'] = correlationId;
    if (this.idempotencyKey !== undefined && method !== 'GET') headers['idempotency-key'] = this.idempotencyKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: hand the text back as it is
    }
    const returned = (parsed as { correlationId?: string } | null)?.correlationId ?? null;
    return { status: response.status, body: parsed as T, correlationId: returned, headers: response.headers };
  }
}

/** One row of a transfer log or the cockpit view. */
export type Transfer = TransferView;
