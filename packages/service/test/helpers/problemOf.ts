import { ServiceProblemError } from '@mixpanel-gdpr/service-client';
import { expect } from 'vitest';

/** The problem a call failed with; the test fails if it did not fail so. */
export async function problemOf(call: Promise<unknown>): Promise<ServiceProblemError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceProblemError);
  return error as ServiceProblemError;
}
