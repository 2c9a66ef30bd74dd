import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { din91379Offence, din91379Violation } from './din-91379';

const LIST = readFileSync(join(__dirname, '..', '..', 'data', 'din-91379', 'latin_list_1.3.txt'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [group, kind, codePoints] = line.split('; ');
    return { group, kind, text: String.fromCodePoint(...codePoints.split(' ').map((hex) => parseInt(hex, 16))) };
  });
const ofGroups = (...groups: string[]) => LIST.filter((entry) => groups.includes(entry.group)).map((entry) => entry.text);

describe('DIN 91379', () => {
  it.each(['Müller-Lüdenscheidt', 'Ørsted', "O'Brien", 'Đorđević', 'Nguyễn', 'Łukasz Żółć', 'José María', 'Groß', 'ẞ', 'd’Alembert'])(
    'accepts the person name %s (data type A)',
    (name) => {
      expect(din91379Violation(name.normalize('NFC'), 'A')).toBeUndefined();
    },
  );

  it('accepts every listed Latin letter and sequence in a name, and a name made of them', () => {
    for (const letter of ofGroups('bll')) expect(din91379Offence(letter.normalize('NFC'), 'A')).toBeUndefined();
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ofGroups('bll', 'bnlreq')), { maxLength: 30 }), (parts) => {
        expect(din91379Offence(parts.join('').normalize('NFC'), 'A')).toBeUndefined();
      }),
    );
  });

  it('accepts a listed sequence of a letter and combining marks (C with ogonek and breve)', () => {
    expect(din91379Violation('C\u0328\u0306ech', 'A')).toBeUndefined();
  });

  it('refuses a combining mark outside a listed sequence, at its position', () => {
    expect(din91379Offence('Q\u0301uentin', 'A')).toEqual({ position: 2, codePoint: 0x301 });
    // the listed sequence C + ogonek + breve, then one acute accent too many
    expect(din91379Offence('C\u0328\u0306\u0301', 'A')).toEqual({ position: 4, codePoint: 0x301 });
  });

  it.each([
    ['NUL', 'Ann\u0000a', 4, 0x0],
    ['a control character', 'Anna\u0007', 5, 0x7],
    ['a tab (N4, not admitted)', 'An\tna', 3, 0x9],
    ['the right-to-left override', 'Anna\u202Eredeis', 5, 0x202e],
    ['an emoji (one position, two UTF-16 units)', 'An😀na', 3, 0x1f600],
    ['a lone high surrogate', 'Anna\uD800', 5, 0xd800],
    ['a lone low surrogate', '\uDC00Anna', 1, 0xdc00],
    ['a Cyrillic letter', 'Аnna', 1, 0x410],
    ['a digit in a person name', 'Anna2', 5, 0x32],
  ])('refuses %s and names its code point and position', (_, text, position, codePoint) => {
    expect(din91379Offence(text, 'A')).toEqual({ position, codePoint });
  });

  it('names the character, the position and the rule in the violation text', () => {
    expect(din91379Violation('Ann\u202Ea', 'A')).toBe(
      "character U+202E at position 4 is not allowed: must consist of DIN 91379 data type A (names of persons: Latin letters and sequences, space and ' , - . ` ~ ¨ ´ · ʹ ʺ ʾ ʿ ˈ ˌ ’ ‡)",
    );
  });

  it('counts positions in characters of the NFC text', () => {
    expect(din91379Offence('Re\u0301ne\u0000'.normalize('NFC'), 'A')).toEqual({ position: 5, codePoint: 0 });
  });

  it('admits digits and the N2 punctuation in other names (data type B), still no control characters', () => {
    for (const text of ['Straße des 17. Juni', '12/1', 'Flur 3 (Acker) & Wald', 'Frankfurt (Oder)']) expect(din91379Violation(text, 'B')).toBeUndefined();
    for (const character of ofGroups('bnl')) expect(din91379Offence(character, 'B')).toBeUndefined();
    expect(din91379Offence('Hauptstraße\u00A012', 'B')).toEqual({ position: 12, codePoint: 0xa0 });
    expect(din91379Offence('Αθήνα', 'B')).toEqual({ position: 1, codePoint: 0x391 });
  });

  it('finds a hostile character wherever it is put into an otherwise valid name', () => {
    const hostile = fc.constantFrom('\u0000', '\u001F', '\u007F', '\u202E', '\u200B', '\uD83D', '\uDE00', '😀', '\uFEFF');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ofGroups('bll', 'bnlreq')), { maxLength: 20 }), fc.nat(), hostile, (parts, at, bad) => {
        const index = at % (parts.length + 1);
        const before = parts.slice(0, index).join('').normalize('NFC');
        const text = `${before}${bad}${parts.slice(index).join('')}`.normalize('NFC');
        expect(din91379Offence(text, 'A')).toEqual({ position: Array.from(before).length + 1, codePoint: bad.codePointAt(0) });
      }),
    );
  });
});
