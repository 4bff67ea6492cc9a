import type { ReportedStatus } from '@mixpanel-gdpr/client';
import { describe, expectTypeOf, it } from 'vitest';
import type { IdOutcome, IdRow } from '../src/index.js';

describe('report types', () => {
  it('types an id outcome as a union of known values, not any string', () => {
    expectTypeOf<IdRow['outcome']>().toEqualTypeOf<IdOutcome>();
    expectTypeOf<IdOutcome>().toEqualTypeOf<ReportedStatus | 'SUBMITTED' | 'NOT_SUBMITTED' | 'INVALID' | 'CANCELLED'>();
    expectTypeOf<string>().not.toExtend<IdOutcome>();
  });
});
