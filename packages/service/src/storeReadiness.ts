import type { Ledger } from '@mixpanel-gdpr/workflow';
import type { ReadinessCheck } from './handlers/operationalHandlers.js';

/** `/readyz`'s store check: the store can be read (what another process wrote is taken in), and how long it took. */
export async function storeReadiness(ledger: Ledger): Promise<ReadinessCheck[]> {
  const started = performance.now();
  try {
    await ledger.refresh();
    return [{ name: 'store', ok: true, detail: `read in ${Math.round(performance.now() - started)} ms` }];
  } catch (error) {
    return [{ name: 'store', ok: false, detail: (error as Error).message }];
  }
}
