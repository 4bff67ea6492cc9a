import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { escapeTerminal } from './escapeTerminal.js';

/**
 * A stream that writes to `out` with every control and bidi character shown
 * escaped (see `escapeTerminal`), for a report printed on a terminal: a
 * valid distinct_id may hold bidi controls that reorder what is displayed.
 * Bytes are decoded as a stream, so a character split across chunks is
 * never mangled. `out` is not ended.
 */
export function terminalSafe(out: NodeJS.WritableStream): Transform {
  const decoder = new StringDecoder('utf8');
  const escaping = new Transform({
    transform(chunk: Buffer | string, _, done) {
      done(null, escapeTerminal(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
    },
    flush(done) {
      done(null, escapeTerminal(decoder.end()));
    },
  });
  escaping.pipe(out, { end: false });
  return escaping;
}
