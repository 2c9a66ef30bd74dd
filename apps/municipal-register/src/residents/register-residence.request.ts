import { z } from 'zod';
import { idnrField, pastDateField, postalAddressField, sexField, textField } from '@regsync/service-runtime/request-fields';

/** Anmeldung at this municipality: the one form the citizen fills in when moving here. */
export const registerResidenceRequest = z.object({
  idnr: idnrField,
  familyName: textField(100),
  givenNames: textField(200),
  sex: sexField,
  dateOfBirth: pastDateField,
  address: postalAddressField,
  movedInOn: pastDateField,
  /** The address moved away from; its municipality gets the Rückmeldung. null: moved in from abroad. */
  previousAddress: postalAddressField.nullable().default(null),
});

export type RegisterResidenceRequest = z.output<typeof registerResidenceRequest>;
