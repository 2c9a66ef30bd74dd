import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * DIN 91379 (characters and defined character sequences for names in German administration, used by XMeld and
 * XPersonenstand) as data: `libs/register-domain/data/din-91379/latin_list_1.3.txt`, CC BY 4.0 by String-Latin
 * (attribution and licence beside it).
 *
 * Which groups of the list a text may use is its data type (the standard's data types; for B our reading of it):
 * - `A`, names of natural persons (family name, given names): the Latin letters and sequences (bll) and the
 *   non-letters N1 (bnlreq: space, apostrophe, hyphen, full stop, ...). Nothing else.
 * - `B`, other names (places, streets, house numbers, parcel usage and change reasons): A plus the non-letters N2
 *   (bnl: digits, `/`, `(`, `&`, ...), since "Straße des 17. Juni", "12/1" and "Flur 3 (Acker)" are ordinary there.
 * Not admitted in either: N3, the control characters N4, Greek, Cyrillic and the extended non-letters, combining
 * marks outside a listed sequence, and every character the list does not name (NUL, U+202E, emoji, surrogates).
 */
export type Din91379DataType = 'A' | 'B';

const GROUPS: Readonly<Record<Din91379DataType, readonly string[]>> = {
  A: ['bll', 'bnlreq'],
  B: ['bll', 'bnlreq', 'bnl'],
};

const DESCRIPTIONS: Readonly<Record<Din91379DataType, string>> = {
  A: 'DIN 91379 data type A (names of persons: Latin letters and sequences, space and \' , - . ` ~ ¨ ´ · ʹ ʺ ʾ ʿ ˈ ˌ ’ ‡)',
  B: 'DIN 91379 data type B (other names: data type A plus digits and the punctuation of DIN 91379 N2)',
};

/**
 * The characters of one data type, and its sequences by their first code point, longest first. Every listed
 * sequence is a letter followed by a combining mark (U+0300-U+036F) and more, all in the BMP, so a sequence is a
 * plain string whose length is its number of characters.
 */
interface Alphabet {
  /** 1 at each BMP code point of the data type (no listed character lies outside the BMP): one array read per character. */
  characters: Uint8Array;
  sequences: ReadonlyMap<number, readonly string[]>;
}

/** Built once at module load: every consumer checks every name of every event with it. */
const ALPHABETS: Readonly<Record<Din91379DataType, Alphabet>> = buildAlphabets(readFileSync(listFile(), 'utf8'));

/** Where the first character outside the data type is; `position` counts characters (code points) from 1 in the NFC text. */
export interface Din91379Offence {
  position: number;
  codePoint: number;
}

/** The first character of `text` (already NFC) outside the data type, or undefined when all are in it. */
export function din91379Offence(text: string, dataType: Din91379DataType): Din91379Offence | undefined {
  const { characters, sequences } = ALPHABETS[dataType];
  let index = 0;
  let position = 1;
  while (index < text.length) {
    const codePoint = text.codePointAt(index)!;
    // Only a letter followed by a combining mark can start a sequence: the common case is one array read.
    const sequence = isCombiningMark(text.charCodeAt(index + 1)) ? sequences.get(codePoint)?.find((candidate) => text.startsWith(candidate, index)) : undefined;
    if (sequence) {
      index += sequence.length;
      position += sequence.length;
    } else if (characters[codePoint] === 1) {
      index++;
      position++;
    } else {
      return { position, codePoint };
    }
  }
  return undefined;
}

/** The rule text of a refused text, naming the character, its position and the data type. */
export function din91379Violation(text: string, dataType: Din91379DataType): string | undefined {
  const offence = din91379Offence(text, dataType);
  if (!offence) return undefined;
  const code = `U+${offence.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  return `character ${code} at position ${offence.position} is not allowed: must consist of ${DESCRIPTIONS[dataType]}`;
}

/** What a field description says about its text rule (OpenAPI). */
export function din91379Description(dataType: Din91379DataType): string {
  return `normalised to NFC; must consist of ${DESCRIPTIONS[dataType]}`;
}

function buildAlphabets(list: string): Record<Din91379DataType, Alphabet> {
  const entries = list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [group, , codePoints] = line.split('; ');
      return { group, text: String.fromCodePoint(...codePoints.split(' ').map((hex) => parseInt(hex, 16))).normalize('NFC') };
    });
  const alphabetOf = (groups: readonly string[]): Alphabet => {
    const characters = new Uint8Array(0x10000);
    const sequences = new Map<number, string[]>();
    for (const { text } of entries.filter((entry) => groups.includes(entry.group))) {
      const first = text.codePointAt(0)!;
      if (text.length === 1) characters[first] = 1;
      else if (isCombiningMark(text.charCodeAt(1))) sequences.set(first, [...(sequences.get(first) ?? []), text].sort((a, b) => b.length - a.length));
      else throw new Error(`register-domain: DIN 91379 sequence ${text} does not continue with a combining mark`);
    }
    return { characters, sequences };
  };
  return { A: alphabetOf(GROUPS.A), B: alphabetOf(GROUPS.B) };
}

/** The block Combining Diacritical Marks, where every mark of the list's sequences lies. */
function isCombiningMark(charCode: number): boolean {
  return charCode >= 0x300 && charCode <= 0x36f;
}

/** The list is data beside the sources; found from `src/` as well as from `dist/` (like the Avro schemas). */
function listFile(): string {
  const relative = join('libs', 'register-domain', 'data', 'din-91379', 'latin_list_1.3.txt');
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
  }
  throw new Error(`register-domain: ${relative} not found above ${__dirname}`);
}
