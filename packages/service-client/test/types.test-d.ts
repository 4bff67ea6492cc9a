import type { Client } from 'openapi-fetch';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Created,
  createServiceClient,
  type Problem,
  type paths,
  type RequestState,
  type ServiceProblemError,
  type ServiceRequest,
  type ServiceRequestDetail,
} from '../src/index.js';
import type { components, NewServiceRequest } from '../src/schema.js';

describe('types', () => {
  it('names the request states of the spec', () => {
    expectTypeOf<RequestState>().toEqualTypeOf<'not_submitted' | 'submitted' | 'done' | 'failed' | 'cancelled'>();
    expectTypeOf<ServiceRequest['state']>().toEqualTypeOf<RequestState>();
    expectTypeOf<ServiceRequestDetail['projects'][number]['tasks'][number]['timeline']>().toBeArray();
  });

  it('types the friendly methods from the spec', () => {
    const client = createServiceClient({ baseUrl: 'https://gdpr.example.com', apiKey: 'k' });
    expectTypeOf(client.createRequest).parameter(0).toEqualTypeOf<NewServiceRequest>();
    expectTypeOf(client.createRequest).returns.resolves.toEqualTypeOf<Created<ServiceRequest>>();
    expectTypeOf(client.getRequest).returns.resolves.toEqualTypeOf<ServiceRequestDetail>();
    expectTypeOf(client.raw).toEqualTypeOf<Client<paths>>();
    expectTypeOf<NewServiceRequest['kind']>().toEqualTypeOf<'erasure' | 'access'>();
    expectTypeOf<NewServiceRequest['regulation']>().toEqualTypeOf<'GDPR' | 'CCPA'>();
  });

  it('carries the problem on the error', () => {
    expectTypeOf<ServiceProblemError['problem']>().toEqualTypeOf<Problem | undefined>();
    expectTypeOf<ServiceProblemError['fieldErrors'][number]>().toEqualTypeOf<components['schemas']['FieldError']>();
  });
});
