import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../src/terminalSafe.js';

describe('a report shown on a terminal', () => {
  it('shows bidi and control characters escaped, keeps newlines, and decodes characters split across chunks', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const safe = terminalSafe(out);
    const bytes = Buffer.from('id,note\nabc\u202Efdp.exe,\x1b[2Jjosé\n');
    // Split inside the two bytes of "é": a per-chunk decoder would print two replacement characters.
    const split = bytes.indexOf(Buffer.from('é')) + 1;
    safe.write(bytes.subarray(0, split));
    safe.write(bytes.subarray(split));
    safe.end();
    await finished(safe);
    expect(text).toBe('id,note\nabc\\u202efdp.exe,\\x1b[2Jjosé\n');
  });
});
