import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A lease owner's id, `${hostname}:${pid}:${random}`: the host and pid say
 * who it is in `status`, the random part keeps a restarted process with a
 * recycled pid (or a second `Leases` in one process) from passing for the
 * owner it replaced.
 */
export function leaseOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}
