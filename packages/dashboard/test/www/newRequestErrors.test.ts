import { describe, expect, it } from 'vitest';
import { fieldOf } from '../../src/www/lib/fieldOf.js';
import { newRequestErrors } from '../../src/www/lib/newRequestErrors.js';

describe('fieldOf', () => {
  it('reads the service form (distinctIds[1]) and the JSON Pointer form (/distinctIds/1) alike', () => {
    expect(fieldOf('distinctIds[1]')).toEqual({ name: 'distinctIds', index: 1 });
    expect(fieldOf('/distinctIds/1')).toEqual({ name: 'distinctIds', index: 1 });
    expect(fieldOf('/projects/0')).toEqual({ name: 'projects', index: 0 });
    expect(fieldOf('ticket')).toEqual({ name: 'ticket' });
    expect(fieldOf('/ticket')).toEqual({ name: 'ticket' });
    expect(fieldOf('labels.source')).toEqual({ name: 'labels' });
  });
});

describe('newRequestErrors', () => {
  it('names an id by its line in the text box, not its place in the body', () => {
    // Ids sent from lines 1 and 3 (line 2 was blank).
    const { byField, other } = newRequestErrors(
      [{ field: 'distinctIds[1]', message: 'distinctIds[1] must match pattern "^(?=.*\\S)…"' }],
      [1, 3],
    );
    expect(byField.distinctIds).toEqual([
      'Line 3: Must be at most 255 characters, not only spaces, with no control characters',
    ]);
    expect(other).toEqual([]);
  });

  it('says plainly that a field is empty, once', () => {
    const { byField } = newRequestErrors(
      [
        { field: 'ticket', message: 'ticket must NOT have fewer than 1 characters' },
        { field: 'ticket', message: 'ticket must match pattern "^[^\\s…"' },
        { field: 'projects', message: 'projects must NOT have fewer than 1 items' },
      ],
      [],
    );
    expect(byField).toEqual({ ticket: ['Is required'], projects: ['Choose at least one project'] });
  });

  it('keeps an error about no field of the form for the summary', () => {
    const { byField, other } = newRequestErrors([{ field: 'body', message: 'body is not valid JSON' }], []);
    expect(byField).toEqual({});
    expect(other).toEqual(['body is not valid JSON']);
  });
});
