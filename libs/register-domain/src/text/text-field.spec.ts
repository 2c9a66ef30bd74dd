import { normalizedText, textViolation } from './text-field';

const name = { maxLength: 100, dataType: 'A' } as const;

describe('text field', () => {
  it('stores a decomposed accent composed (NFC), so one name has one spelling', () => {
    const decomposed = 'Mu\u0308ller-Lu\u0308denscheidt';
    expect(normalizedText(` ${decomposed} `)).toBe('Müller-Lüdenscheidt');
    expect(normalizedText(decomposed)).toBe(normalizedText('Müller-Lüdenscheidt'));
    expect(textViolation(decomposed, name)).toBeUndefined();
  });

  it('trims spaces only: a byte order mark or a tab at the edge is refused, not dropped unnoticed', () => {
    expect(normalizedText('  Anna  ')).toBe('Anna');
    expect(textViolation('\uFEFFAnna', name)).toMatch(/^character U\+FEFF at position 1/);
    expect(textViolation('Anna\t', name)).toMatch(/^character U\+0009 at position 5/);
  });

  it('judges the length and the characters of the normalised text', () => {
    expect(textViolation('e\u0301'.repeat(100), name)).toBeUndefined();
    expect(textViolation('x'.repeat(101), name)).toBe('must be at most 100 characters');
    expect(textViolation('  ', name)).toBe('must not be empty');
    expect(textViolation(undefined, name)).toBe('is required');
    expect(textViolation(7, name)).toBe('must be text');
    expect(textViolation(' An\u0000na', name)).toMatch(/^character U\+0000 at position 3 is not allowed: must consist of DIN 91379 data type A/);
  });

  it('lets SQL- or HTML-looking text through when its characters are DIN 91379: it is data, never code', () => {
    expect(textViolation("Robert'); DROP TABLE residents;--", { maxLength: 100, dataType: 'B' })).toBeUndefined();
    expect(textViolation('<script>alert(1)</script>', { maxLength: 100, dataType: 'B' })).toBeUndefined();
  });
});
