/** One POST of a callback, as the deliverer hands it to a transport. */
export interface CallbackHttpRequest {
  url: string;
  headers: Record<string, string>;
  /** The exact bytes signed. */
  body: string;
  /** Longest the whole exchange may take, in ms. */
  timeoutMs: number;
}

/** What the deliverer needs of an answer: the status (the body is thrown away). */
export interface CallbackHttpResponse {
  status: number;
}

/**
 * Sends one callback. Resolves with the receiver's status, whatever it is
 * (redirects are not followed: a 3xx is an answer like any other); rejects
 * when there is none (refused address, connection error, timeout). Its
 * error messages must not contain the URL's query string.
 */
export type CallbackTransport = (request: CallbackHttpRequest) => Promise<CallbackHttpResponse>;
