/** The OpenDSR endpoints' fixed values and defaults, declared once. */
export const OPENDSR_DEFAULTS = Object.freeze({
  /** The protocol version implemented: `specification.md` "Version 1.0"; sent as `api_version`. */
  apiVersion: '1.0',
  /**
   * Identity types whose `raw` values are taken as Mixpanel distinct ids.
   * `controller_customer_id` is the controller's own user id, which is what
   * Mixpanel projects usually identify people by; an operator whose distinct
   * ids are emails (or device ids) adds those types.
   */
  identityTypes: Object.freeze(['controller_customer_id']) as readonly string[],
  /** The reason recorded with a cancellation asked for through OpenDSR (the protocol carries none). */
  cancelReason: 'cancelled by the controller (OpenDSR DELETE)',
});

/** The identity types of the protocol (section 5.1): the only ones `identityTypes` may name. */
export const OPENDSR_IDENTITY_TYPES: readonly string[] = [
  'controller_customer_id',
  'android_advertising_id',
  'android_id',
  'email',
  'fire_advertising_id',
  'ios_advertising_id',
  'ios_vendor_id',
  'microsoft_advertising_id',
  'microsoft_publisher_id',
  'roku_publisher_id',
  'roku_advertising_id',
];

/** The subject request types of the protocol (section 6.2), all taken: portability is an access request here. */
export const OPENDSR_REQUEST_TYPES = ['erasure', 'access', 'portability'] as const;
