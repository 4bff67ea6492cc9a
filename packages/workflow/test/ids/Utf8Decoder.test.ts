import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasInvalidUtf8, printableBytes, Utf8Decoder } from '../../src/ids/Utf8Decoder.js';

const seed = Number(process.env.FC_SEED) || Date.now() % 2 ** 31;
console.log(`Utf8Decoder property seed: ${seed} (rerun with FC_SEED=${seed})`);

function decode(bytes: Uint8Array, size: number): { text: string; sawInvalid: boolean } {
  const decoder = new Utf8Decoder();
  let text = '';
  for (let i = 0; i < bytes.length; i += size) text += decoder.write(bytes.subarray(i, i + size));
  return { text: text + decoder.end(), sawInvalid: decoder.sawInvalid };
}

describe('Utf8Decoder', () => {
  it('decodes valid UTF-8 as Node does, cut anywhere', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (text, size) => {
        expect(decode(Buffer.from(text), size)).toEqual({ text, sawInvalid: false });
      }),
      { seed, numRuns: 500 },
    );
  });

  it('decodes any bytes the same way wherever reads cut them, and flags exactly the invalid ones', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (bytes, size) => {
        const whole = decode(bytes, bytes.length || 1);
        expect(decode(bytes, size)).toEqual(whole);
        const valid = Buffer.from(bytes).toString('utf8') === whole.text;
        expect(hasInvalidUtf8(whole.text)).toBe(!valid);
        expect(whole.sawInvalid).toBe(!valid);
      }),
      { seed, numRuns: 1000 },
    );
  });

  it('keeps each invalid byte, so that two Latin-1 ids stay two, and shows it as \\xHH', () => {
    const e9 = decode(Buffer.from('jos\xe9', 'latin1'), 2).text;
    const e8 = decode(Buffer.from('jos\xe8', 'latin1'), 2).text;
    expect(e9).not.toBe(e8);
    expect(printableBytes(e9)).toBe('jos\\xE9');
    // Overlong, surrogate and past-U+10FFFF forms are invalid; a valid pair around them is kept.
    const mixed = decode(
      Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xf0, 0x9f, 0x92, 0x80, 0x5c]),
      1,
    ).text;
    expect(printableBytes(mixed)).toBe('\\xC0\\xAF\\xED\\xA0\\x80\\xF4\\x90\\x80\\x80💀\\\\');
  });
});
