import type { Client } from 'openapi-fetch';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ApiError,
  type ApiErrorOptions,
  type CancelResult,
  type ClientPaths,
  type TaskStatus as ClientTaskStatus,
  type COMPLIANCE_TYPES,
  type ConflictError,
  type ConflictErrorOptions,
  createMixpanelGdprClient,
  type DeletionStatus,
  type DISCLOSURE_TYPES,
  NotFoundError,
  type RateLimitError,
  type RateLimitErrorOptions,
  type ReportedStatus,
  type RetrievalStatus,
  type TASK_STATUSES,
  type TaskCreated,
  type TimeoutError,
  type TimeoutErrorOptions,
} from '../src/index.js';
import type {
  ComplianceType,
  ConflictResponse,
  components,
  DisclosureType,
  operations,
  paths,
  TaskStatus,
} from '../src/schema.js';

const client = createMixpanelGdprClient({ oauthToken: 'o', projectToken: 'p' });

describe('public API types', () => {
  it('friendly methods return the normalised shapes', () => {
    expectTypeOf(client.createDeletion).returns.resolves.toEqualTypeOf<TaskCreated>();
    expectTypeOf(client.createRetrieval).returns.resolves.toEqualTypeOf<TaskCreated>();
    expectTypeOf(client.getDeletionStatus).returns.resolves.toEqualTypeOf<DeletionStatus>();
    expectTypeOf(client.getRetrievalStatus).returns.resolves.toEqualTypeOf<RetrievalStatus>();
    expectTypeOf(client.cancelDeletion).returns.resolves.toEqualTypeOf<CancelResult>();
    expectTypeOf<RetrievalStatus['downloadUrl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<DeletionStatus['status']>().toEqualTypeOf<ReportedStatus>();
  });

  it('accepts only the documented compliance and disclosure types', () => {
    expectTypeOf(client.createDeletion).parameter(0).toHaveProperty('complianceType').toEqualTypeOf<'GDPR' | 'CCPA'>();
    expectTypeOf(client.createRetrieval)
      .parameter(0)
      .toHaveProperty('disclosureType')
      .toEqualTypeOf<'Data' | 'Categories' | 'Sources' | undefined>();
    // @ts-expect-error: not a compliance type
    void client.createDeletion({ distinctIds: ['a'], complianceType: 'HIPAA' });
    expectTypeOf(client.getDeletionStatus).parameter(1).toEqualTypeOf<{ signal?: AbortSignal } | undefined>();
  });

  it('exposes raw as an openapi-fetch client whose token is optional', () => {
    expectTypeOf(client.raw).toEqualTypeOf<Client<ClientPaths>>();
    void client.raw.GET('/data-deletions/v3.0/{taskId}', { params: { path: { taskId: 't' } } });
    void client.raw.DELETE('/data-deletions/v3.0/{taskId}', { params: { path: { taskId: 't' } } });
    // @ts-expect-error: the path parameter is required
    void client.raw.GET('/data-deletions/v3.0/{taskId}', {});
    // @ts-expect-error: no such operation
    void client.raw.DELETE('/data-retrievals/v3.0/{taskId}', { params: { path: { taskId: 't' } } });
  });
});

describe('error constructors', () => {
  it('take one options object', () => {
    expectTypeOf<ConstructorParameters<typeof ApiError>>().toEqualTypeOf<[ApiErrorOptions]>();
    expectTypeOf<ConstructorParameters<typeof NotFoundError>>().toEqualTypeOf<[ApiErrorOptions]>();
    expectTypeOf<ConstructorParameters<typeof ConflictError>>().toEqualTypeOf<[ConflictErrorOptions]>();
    expectTypeOf<ConstructorParameters<typeof RateLimitError>>().toEqualTypeOf<[RateLimitErrorOptions]>();
    expectTypeOf<ConstructorParameters<typeof TimeoutError>>().toEqualTypeOf<[TimeoutErrorOptions]>();
    // @ts-expect-error: status and request are required
    void new NotFoundError({ mixpanelMessage: 'gone' });
  });
});

describe('schema types', () => {
  it('generates the spec faithfully', () => {
    expectTypeOf<TaskStatus>().toEqualTypeOf<
      'PENDING' | 'STAGING' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'REVOKED' | 'NOT_FOUND' | 'UNKNOWN'
    >();
    expectTypeOf<ComplianceType>().toEqualTypeOf<'GDPR' | 'CCPA'>();
    expectTypeOf<DisclosureType>().toEqualTypeOf<'Data' | 'Categories' | 'Sources'>();
    expectTypeOf<ConflictResponse['error']['conflicting_task_ids']>().toEqualTypeOf<string[]>();
    expectTypeOf<paths['/data-deletions/v3.0/{taskId}']['delete']>().toEqualTypeOf<
      operations['cancelDeletionRequest']
    >();
    expectTypeOf<operations['createDeletionRequest']['parameters']['query']>().toEqualTypeOf<{ token: string }>();
    expectTypeOf<keyof operations['createDeletionRequest']['responses']>().toEqualTypeOf<
      200 | 201 | 400 | 401 | 403 | 409 | 429 | 500
    >();
    expectTypeOf<components['schemas']['RetrievalStatusResponse']['results']>()
      .toHaveProperty('download_url')
      .toEqualTypeOf<string | undefined>();
  });

  it('ties the runtime lists to the spec: exactly its states, compliance and disclosure types', () => {
    expectTypeOf<(typeof TASK_STATUSES)[number]>().toEqualTypeOf<components['schemas']['TaskState']>();
    expectTypeOf<ClientTaskStatus>().toEqualTypeOf<TaskStatus>();
    expectTypeOf<(typeof COMPLIANCE_TYPES)[number]>().toEqualTypeOf<components['schemas']['ComplianceType']>();
    expectTypeOf<(typeof DISCLOSURE_TYPES)[number]>().toEqualTypeOf<components['schemas']['DisclosureType']>();
  });
});
