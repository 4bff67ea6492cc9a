/**
 * The client's constants without the client (its HTTP stack, openapi-fetch): what only quotes them, the workflow's
 * defaults and the CLI's help, imports `@mixpanel-gdpr/client/constants` and starts faster. The very objects the
 * main entry exports.
 */
export { API_MAX_IDS_PER_REQUEST, CLIENT_DEFAULTS } from './options.js';
export { COMPLIANCE_TYPES } from './validate.js';
