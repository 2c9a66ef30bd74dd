/** Injection token: the set of AGS whose property-tax roll receives this Land's parcel events. */
export const PROPERTY_TAX_ROLLS = Symbol('PROPERTY_TAX_ROLLS');
