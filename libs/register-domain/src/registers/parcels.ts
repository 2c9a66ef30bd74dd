import { landOfAgs } from '../ags';
import { landOfParcel } from '../parcel-id';
import { DomainValidationError } from '../validation-error';

/** A Flurstück (parcel) in the Liegenschaftskataster (cadastre) of a Land. */
export interface Parcel {
  parcelId: string;
  municipalityKey: string;
  areaSquareMetres: number;
  usage: string;
  /** The owners whose IdNr the cadastre transfers (to the parcel's property-tax roll). */
  ownerIdnrs: string[];
  /**
   * Owners whose erasure the cadastre followed: it keeps them, as the law requires of it, but transfers their IdNr to
   * no one any more (retention catalog: `parcels`).
   */
  erasedOwnerIdnrs: string[];
  lastChangeReason: string | null;
}

export interface ParcelInput {
  parcelId: string;
  municipalityKey: string;
  areaSquareMetres: number;
  usage: string;
  ownerIdnrs: string[];
  changeReason: string | null;
}

/**
 * Records a new Flurstück (ParcelRecorded) or a Fortführung (update) of a known one (ParcelChanged). The cadastre of
 * a Land keeps only parcels in that Land, and only in a municipality whose property-tax roll runs in regsync
 * (`rolls`, from the deployment's topology): a parcel no roll receives would be taxed by nobody, so it is refused.
 * `leftMunicipality`: the municipality the parcel no longer lies in, whose roll must drop it (ParcelLeftMunicipality).
 */
export function recordParcel(
  existing: Parcel | undefined,
  input: ParcelInput,
  land: string,
  rolls: ReadonlySet<string>,
): { parcel: Parcel; eventType: 'ParcelRecorded' | 'ParcelChanged'; leftMunicipality: string | null } {
  if (landOfParcel(input.parcelId) !== land) throw new DomainValidationError('parcelId', `must lie in Land ${land} (this cadastre)`);
  if (landOfAgs(input.municipalityKey) !== land) throw new DomainValidationError('municipalityKey', `must be a municipality in Land ${land}`);
  if (!rolls.has(input.municipalityKey)) throw new DomainValidationError('municipalityKey', `has no property-tax roll in regsync (rolls in Land ${land}: ${[...rolls].sort().join(', ') || 'none'})`);
  if (new Set(input.ownerIdnrs).size !== input.ownerIdnrs.length) throw new DomainValidationError('ownerIdnrs', 'must not name an owner twice');
  if (existing && !input.changeReason) throw new DomainValidationError('changeReason', 'is required when the parcel is already recorded');
  const parcel: Parcel = {
    parcelId: input.parcelId,
    municipalityKey: input.municipalityKey,
    areaSquareMetres: input.areaSquareMetres,
    usage: input.usage,
    ...ownersOf(input.ownerIdnrs, existing?.erasedOwnerIdnrs ?? []),
    lastChangeReason: existing ? input.changeReason : null,
  };
  const leftMunicipality = existing && existing.municipalityKey !== parcel.municipalityKey ? existing.municipalityKey : null;
  return { parcel, eventType: existing ? 'ParcelChanged' : 'ParcelRecorded', leftMunicipality };
}

/** The surveyor's owners split into those transferred and the erased ones the cadastre keeps without transferring. */
function ownersOf(owners: readonly string[], erased: readonly string[]): Pick<Parcel, 'ownerIdnrs' | 'erasedOwnerIdnrs'> {
  return { ownerIdnrs: owners.filter((idnr) => !erased.includes(idnr)), erasedOwnerIdnrs: owners.filter((idnr) => erased.includes(idnr)) };
}
