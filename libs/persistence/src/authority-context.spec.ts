import { NoAuthorityError, currentAuthority, runAsAuthority } from './authority-context';

describe('authority context', () => {
  it('is the authority of the innermost runAsAuthority, also after awaits', async () => {
    const seen = await runAsAuthority('03404000', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const inner = await runAsAuthority('14612000', async () => currentAuthority());
      return [currentAuthority(), inner];
    });
    expect(seen).toEqual(['03404000', '14612000']);
  });

  it('keeps concurrent units of work apart', async () => {
    const run = (key: string, delay: number) =>
      runAsAuthority(key, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return currentAuthority();
      });
    await expect(Promise.all([run('03404000', 20), run('14612000', 1)])).resolves.toEqual(['03404000', '14612000']);
  });

  it('throws a clear error outside an authority', () => {
    expect(() => currentAuthority()).toThrow(NoAuthorityError);
    expect(() => currentAuthority()).toThrow(/runAsAuthority/);
  });

  it('refuses a key that cannot be part of a role name', () => {
    expect(() => runAsAuthority('03404000"; drop', () => 1)).toThrow(/only letters and digits/);
  });
});
