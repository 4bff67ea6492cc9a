import type { paths } from './generated/schema.js';

type Method = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** An operation whose `token` query parameter is optional: the client fills it in. */
type TokenOptional<Op> = Op extends { parameters: { query: infer Q } }
  ? Omit<Op, 'parameters'> & {
      parameters: Omit<Op['parameters'], 'query'> & { query?: Omit<Q, 'token'> & { token?: string } };
    }
  : Op;

/**
 * The spec's `paths`, as the raw client sees them: the project token is
 * added to every request by the client, so callers need not pass it.
 */
export type ClientPaths = {
  [P in keyof paths]: { [M in keyof paths[P]]: M extends Method ? TokenOptional<paths[P][M]> : paths[P][M] };
};
