import { CLIENT_DEFAULTS, type Sleep } from '@mixpanel-gdpr/client';
import type { Ledger } from '@mixpanel-gdpr/workflow';
import { CALLBACK_DEFAULTS } from './CALLBACK_DEFAULTS.js';
import type { CallbackTransport } from './CallbackTransport.js';
import { type CallbackUrlPolicy, validateCallbackUrlPolicy } from './CallbackUrlPolicy.js';
import type { ResolveHost } from './callbackGuard.js';
import { httpCallbackTransport } from './httpCallbackTransport.js';
import type { CallbackProtocol } from './outboxTypes.js';

/** The part of a pino logger the deliverer uses. */
export interface CallbackLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Headers that sign an OpenDSR callback's body (signature, processor domain). */
export type SignOpendsr = (body: string) => Record<string, string> | Promise<Record<string, string>>;

/** The deliverer's numbers and strings of `CALLBACK_DEFAULTS`, widened (`Object.freeze` keeps literal types). */
export type DeliveryTunables = {
  -readonly [K in Exclude<keyof typeof CALLBACK_DEFAULTS, 'initialState'>]: (typeof CALLBACK_DEFAULTS)[K] extends number
    ? number
    : string;
};
type Tunables = DeliveryTunables;

export interface DeliverCallbacksOptions extends Partial<Tunables> {
  ledger: Pick<Ledger, 'state' | 'append' | 'refresh'>;
  /**
   * Secret(s) of the service's signature (`Mixpanel-Gdpr-Signature`): the
   * current one, and the previous one too while receivers move to the new.
   */
  secret: string | readonly string[];
  /** Signs OpenDSR callbacks. Absent: OpenDSR callbacks stay queued, unsent. */
  signOpendsr?: SignOpendsr | undefined;
  /** Where callbacks may go, for the default transport. @default {} (https to public addresses only) */
  policy?: CallbackUrlPolicy | undefined;
  /** Resolves host names, for the default transport. @default node:dns lookup */
  resolve?: ResolveHost | undefined;
  /** Sends one callback. @default httpCallbackTransport({ policy, resolve, maxResponseBytes }) */
  transport?: CallbackTransport | undefined;
  /** @default CLIENT_DEFAULTS.now (Date.now) */
  now?: (() => number) | undefined;
  /** @default CLIENT_DEFAULTS.sleep */
  sleep?: Sleep | undefined;
  /** @default CLIENT_DEFAULTS.random (Math.random) */
  random?: (() => number) | undefined;
  /** @default no logging */
  logger?: CallbackLogger | undefined;
  /** Told of each attempt's recorded outcome: delivered, failed or abandoned (for metrics). */
  onOutcome?: ((outcome: DeliveryOutcome) => void) | undefined;
}

export interface ResolvedDeliveryOptions extends Tunables {
  ledger: DeliverCallbacksOptions['ledger'];
  secrets: readonly string[];
  signOpendsr: SignOpendsr | undefined;
  transport: CallbackTransport;
  now: () => number;
  sleep: Sleep;
  random: () => number;
  logger: CallbackLogger | undefined;
  onOutcome: ((outcome: DeliveryOutcome) => void) | undefined;
  /** Protocols this deliverer can sign: others are left queued. */
  protocols: ReadonlySet<CallbackProtocol>;
}

/** What became of one due callback in a round. */
export interface DeliveryOutcome {
  callbackId: string;
  requestId: string;
  protocol: CallbackProtocol;
  attempt: number;
  /** `taken`: another process took this attempt first; `lost`: our outcome came after the attempt counted as lost. */
  result: 'delivered' | 'failed' | 'abandoned' | 'taken' | 'lost';
  status?: number;
  error?: string;
  nextAt?: number;
}

const POSITIVE: ReadonlyArray<keyof Tunables> = [
  'timeoutMs',
  'attemptMarginMs',
  'firstRetryDelayMs',
  'maxRetryDelayMs',
  'retryForMs',
  'maxPerRound',
  'idleMs',
  'maxResponseBytes',
];

/** Merges the options over `CALLBACK_DEFAULTS` and validates them once; messages name the option and the value. */
export function resolveDeliveryOptions(o: DeliverCallbacksOptions): ResolvedDeliveryOptions {
  const pick = <K extends keyof Tunables>(k: K): Tunables[K] => (o[k] ?? CALLBACK_DEFAULTS[k]) as Tunables[K];
  const tunables = Object.fromEntries(
    (Object.keys(CALLBACK_DEFAULTS) as (keyof typeof CALLBACK_DEFAULTS)[])
      .filter((k): k is keyof Tunables => k !== 'initialState')
      .map((k) => [k, pick(k)]),
  ) as unknown as Tunables;
  for (const k of POSITIVE) {
    const v = tunables[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new TypeError(`callbacks.${k} must be a positive number, got ${JSON.stringify(v)}`);
  }
  if (!Number.isInteger(tunables.maxPerRound))
    throw new TypeError(`callbacks.maxPerRound must be an integer, got ${tunables.maxPerRound}`);
  if (!(tunables.retryJitter >= 0 && tunables.retryJitter < 1))
    throw new TypeError(`callbacks.retryJitter must be in [0, 1), got ${JSON.stringify(tunables.retryJitter)}`);
  const secrets = typeof o.secret === 'string' ? [o.secret] : [...(o.secret ?? [])];
  // The secret's value never goes into a message.
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length === 0))
    throw new TypeError('callbacks.secret must be one non-empty string or several');
  const policy = validateCallbackUrlPolicy(o.policy ?? {});
  return {
    ...tunables,
    ledger: o.ledger,
    secrets,
    signOpendsr: o.signOpendsr,
    transport:
      o.transport ?? httpCallbackTransport({ policy, resolve: o.resolve, maxResponseBytes: tunables.maxResponseBytes }),
    now: o.now ?? CLIENT_DEFAULTS.now,
    sleep: o.sleep ?? CLIENT_DEFAULTS.sleep,
    random: o.random ?? CLIENT_DEFAULTS.random,
    logger: o.logger,
    onOutcome: o.onOutcome,
    protocols: new Set<CallbackProtocol>(o.signOpendsr ? ['service', 'opendsr'] : ['service']),
  };
}
