import { describe, expect, it } from 'vitest';
import { parseHash } from '../../src/www/lib/hashRoute.js';
import { DEFAULT_FILTERS, toQuery } from '../../src/www/lib/requestFilters.js';

const NOW = Date.parse('2026-11-30T10:00:00Z');

describe('toQuery', () => {
  it('asks for open requests, 50 a page, by default', () => {
    expect(toQuery(DEFAULT_FILTERS, NOW)).toEqual({ limit: 50, open: true });
  });

  it('turns every filter into its query parameter, the due window counted from the service clock', () => {
    const query = toQuery(
      {
        states: ['submitted', 'failed'],
        project: 'web',
        kind: 'access',
        dueWithinDays: 7,
        atRiskOrOverdue: true,
        openOnly: false,
        ticket: '  DSR-1 ',
      },
      NOW,
    );
    expect(query).toEqual({
      limit: 50,
      state: ['submitted', 'failed'],
      project: 'web',
      kind: 'access',
      dueBefore: '2026-12-07T10:00:00.000Z',
      atRisk: true,
      overdue: true,
      ticket: 'DSR-1',
    });
  });
});

describe('parseHash', () => {
  it('knows the pages and request ids, and nothing else', () => {
    expect(parseHash('')).toEqual({ page: 'requests' });
    expect(parseHash('#/deadlines')).toEqual({ page: 'deadlines' });
    expect(parseHash('#/requests/req-20261130-100000-0a1b2c3d')).toEqual({
      page: 'request',
      requestId: 'req-20261130-100000-0a1b2c3d',
    });
    expect(parseHash('#/requests/DSR-1')).toEqual({ page: 'not-found' });
    expect(parseHash('#/requests?ticket=x')).toEqual({ page: 'not-found' });
  });
});
