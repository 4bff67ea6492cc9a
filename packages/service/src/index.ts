export { type CreatedKey, createApiKey, findApiKey, KEY_SCOPES } from './apiKeys.js';
export { assertCallbackUrl } from './callbacks/assertCallbackUrl.js';
export { CALLBACK_DEFAULTS } from './callbacks/CALLBACK_DEFAULTS.js';
export { type CallbackUrlPolicy, validateCallbackUrlPolicy } from './callbacks/CallbackUrlPolicy.js';
export { callbackSignature, SIGNATURE_HEADER } from './callbacks/callbackSignature.js';
export { deliverCallbacks } from './callbacks/deliverCallbacks.js';
export { type DeliveryRound, deliverDueCallbacks } from './callbacks/deliverDueCallbacks.js';
export { queueCallbacks } from './callbacks/queueCallbacks.js';
export { showUrl } from './callbacks/showUrl.js';
export { createService, type Service, type ServiceOptions } from './createService.js';
export { SERVICE_DEFAULTS } from './defaults.js';
export type { ReadinessCheck } from './handlers/operationalHandlers.js';
export {
  createOpendsrSigner,
  OPENDSR_HEADER_PREFIXES,
  type OpendsrSigner,
  type OpendsrSignerOptions,
} from './opendsr/createOpendsrSigner.js';
export { OPENDSR_DEFAULTS } from './opendsr/OPENDSR_DEFAULTS.js';
export { type OpendsrCallbacks, opendsrCallbacks } from './opendsr/opendsrCallbacks.js';
export type { OpendsrOptions } from './opendsr/opendsrHandlers.js';
export { type RunCallbacksOptions, runCallbacks } from './runCallbacks.js';
export { ServiceError } from './ServiceError.js';
export { type HourCounts, ServiceMetrics } from './ServiceMetrics.js';
export { storeReadiness } from './storeReadiness.js';
