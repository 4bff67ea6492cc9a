/** Which callback hosts the operator allows (see the callback guard): the service cannot be aimed at the internal network. */
export interface CallbackPolicy {
  /** Exact hosts, or `*.example.com`; empty: any public host. */
  allowHosts?: readonly string[];
  /** Private, loopback and link-local addresses too (tests, an internal receiver). @default false */
  allowPrivate?: boolean;
  /** Plain http, to loopback only. @default false */
  allowHttp?: 'loopback' | false;
}
