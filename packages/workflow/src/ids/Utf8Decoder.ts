import { isUtf8 } from 'node:buffer';
import { printable } from './printable.js';

/**
 * Streaming UTF-8 decoding that never changes a valid character and never
 * hides an invalid byte.
 *
 * Reads end anywhere, also inside a character: the first bytes of a cut
 * character wait for the next chunk (decoding each chunk on its own turned
 * `josé` into `jos\uFFFD\uFFFD`). An invalid byte B becomes the lone surrogate
 * U+DC00+B ("surrogateescape", as Python does it): valid UTF-8 never decodes
 * to a lone surrogate, so text holding one had invalid bytes, and which
 * ones can still be shown. The usual U+FFFD would merge `jos\xE9` and
 * `jos\xE8` into one id.
 */
export class Utf8Decoder {
  /** Set at the first invalid byte: until then no text needs checking, which keeps valid input fast. */
  sawInvalid = false;
  private carry: Buffer | undefined;

  write(chunk: Uint8Array): string {
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) bytes = Buffer.concat([this.carry, bytes]);
    const end = completeEnd(bytes);
    this.carry = end < bytes.length ? bytes.subarray(end) : undefined;
    return this.decode(end < bytes.length ? bytes.subarray(0, end) : bytes);
  }

  /** The bytes still held back: a character cut by the end of the input is invalid. */
  end(): string {
    const rest = this.carry;
    this.carry = undefined;
    return rest ? this.decode(rest) : '';
  }

  private decode(bytes: Buffer): string {
    if (isUtf8(bytes)) return bytes.toString('utf8');
    this.sawInvalid = true;
    return escapeInvalid(bytes);
  }
}

/** Decoded text, a string per chunk of bytes. */
export async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>, decoder: Utf8Decoder): AsyncGenerator<string> {
  for await (const chunk of bytes) {
    const text = decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

// An escaped byte not preceded by a high surrogate (a pair is a valid character).
const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** Whether text from `Utf8Decoder` came from invalid UTF-8. */
export function hasInvalidUtf8(text: string): boolean {
  return ESCAPED_BYTE.test(text);
}

/** `printable`, with escaped bytes shown as `\xE9`: JSON shows a lone surrogate as `\udce9`. */
export function printableBytes(text: string, length?: number): string {
  return printable(text, length).replace(/\\\\|\\udc([89a-f][0-9a-f])/g, (match, hex: string | undefined) =>
    hex ? `\\x${hex.toUpperCase()}` : match,
  );
}

/** Where the last complete character ends: the first bytes of a cut character are held back. */
function completeEnd(bytes: Buffer): number {
  const length = bytes.length;
  // A character is at most 4 bytes, so a cut one starts in the last 3.
  for (let i = length - 1; i >= 0 && i >= length - 3; i--) {
    const byte = bytes[i]!;
    if (byte < 0x80) return length;
    if (byte >= 0xc0) return length - i < sequenceLength(byte) ? i : length;
  }
  return length;
}

/** Bytes in the character that `lead` starts; 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  return lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
}

/** Length of the valid character at `i`, or 0: the ranges of RFC 3629 (no overlongs, surrogates or values past U+10FFFF). */
function validSequenceAt(bytes: Buffer, i: number): number {
  const lead = bytes[i]!;
  const length = sequenceLength(lead);
  if (length <= 1 || i + length > bytes.length) return length === 1 ? 1 : 0;
  const second = bytes[i + 1]!;
  const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

/** The slow path, for chunks that hold an invalid byte: valid runs decoded, each invalid byte escaped. */
function escapeInvalid(bytes: Buffer): string {
  let text = '';
  let run = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = validSequenceAt(bytes, i);
    if (length) {
      i += length;
      continue;
    }
    text += bytes.toString('utf8', run, i) + String.fromCharCode(0xdc00 + bytes[i]!);
    run = ++i;
  }
  return text + bytes.toString('utf8', run, bytes.length);
}
