import { z } from 'zod';
import { registerResidenceExample, registerResidenceRequest } from './register-residence.request';

/**
 * The most persons of one initial-load batch: one transaction, and a body within every service's 64 KiB (a person is
 * 300–450 bytes of JSON).
 */
export const INITIAL_LOAD_MAX_BATCH = 100;

/**
 * An agency migrating its existing Melderegister into regsync: a batch of persons who live here today, each an
 * Anmeldung checked by the same rules as POST /residences, with no previous address (nobody moves: no Rückmeldung).
 */
export const initialLoadRequest = z.object({
  residents: z
    .array(
      registerResidenceRequest.refine((residence) => residence.previousAddress === null, {
        path: ['previousAddress'],
        message: 'must be null: an initial load registers persons who already live here, nobody moves',
      }),
    )
    .min(1, 'at least one person')
    .max(INITIAL_LOAD_MAX_BATCH, `at most ${INITIAL_LOAD_MAX_BATCH} persons per batch`),
});

export type InitialLoadRequest = z.output<typeof initialLoadRequest>;

export const initialLoadExample: z.input<typeof initialLoadRequest> = { residents: [{ ...registerResidenceExample, previousAddress: null }] };
