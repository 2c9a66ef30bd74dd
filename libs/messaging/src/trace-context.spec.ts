import { nextTraceparent, runInTraceContext } from './trace-context';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('nextTraceparent', () => {
  it('gives every event a distinct W3C root trace, also across refills of the random pool', () => {
    // 3,000 roots take 72,000 random bytes: more than four pools of 16 KiB.
    const traceparents = Array.from({ length: 3_000 }, () => nextTraceparent());
    for (const traceparent of traceparents) expect(traceparent).toMatch(TRACEPARENT);
    expect(new Set(traceparents.map((traceparent) => traceparent.slice(3, 35))).size).toBe(3_000);
    expect(new Set(traceparents.map((traceparent) => traceparent.slice(36, 52))).size).toBe(3_000);
  });

  it('continues the active trace with a new span id', () => {
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const children = runInTraceContext(parent, () => [nextTraceparent(), nextTraceparent()]);
    for (const child of children) expect(child).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(new Set([parent.slice(36, 52), ...children.map((child) => child.slice(36, 52))]).size).toBe(3);
  });
});
