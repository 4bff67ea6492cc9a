export { type CreatedKey, createApiKey, findApiKey, KEY_SCOPES } from './apiKeys.js';
export type { CallbackPolicy } from './callbackPolicy.js';
export { createService, type Service, type ServiceOptions } from './createService.js';
export { SERVICE_DEFAULTS } from './defaults.js';
export type { ReadinessCheck } from './handlers/operationalHandlers.js';
export { ServiceError } from './ServiceError.js';
export { type HourCounts, ServiceMetrics } from './ServiceMetrics.js';
