/** Misuse of the client (a bad option or argument), detected before any request was sent. */
export class ServiceClientError extends Error {
  override name = 'ServiceClientError';
  constructor(
    /** The option or argument at fault, e.g. `baseUrl`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
