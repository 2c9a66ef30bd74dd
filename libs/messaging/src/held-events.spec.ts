import { KAFKA_HEADERS } from '@regsync/contracts/topics';
import { deliveredAfterOf } from './held-events';

describe('deliveredAfterOf', () => {
  const stamped = (value: string | undefined) => ({ headers: value === undefined ? {} : { [KAFKA_HEADERS.previousDeliveredVersion]: Buffer.from(value) } });

  it("reads the router's stamp of a delivery", () => {
    expect(deliveredAfterOf(stamped('7'))).toBe(7);
  });

  it('finds no stamp where there is none or it is no version (such a delivery is applied as before, never held forever)', () => {
    for (const value of [undefined, '', '0', '-3', '2.5', 'seven', '99999999999999999999']) expect(deliveredAfterOf(stamped(value))).toBeUndefined();
  });
});
