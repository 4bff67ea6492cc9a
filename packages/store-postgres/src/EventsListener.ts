import pg from 'pg';
import { sql } from './sql.js';

/**
 * Called when events were appended: with the last seq appended, or with
 * `undefined` after the listening connection was re-established (some
 * notifications may have been missed: refresh anyway).
 */
export type ChangeListener = (lastSeq: number | undefined) => void;

/** Wait before reconnecting a lost listening connection, in ms. */
export const LISTEN_RECONNECT_MS = 1_000;

/**
 * One dedicated connection doing `LISTEN mgdpr_events` for every listener of
 * a store, opened with the first listener and closed with the last. It is a
 * client of its own, not one borrowed from the pool: a pooled client would
 * hold a pool slot forever and lose its LISTEN when the pool recycles it.
 */
export class EventsListener {
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #listeners = new Set<ChangeListener>();
  #reconnect: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  /** Resolves once listening, with a function that stops this listener. */
  async subscribe(listener: ChangeListener): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('the store is closed');
    this.#listeners.add(listener);
    try {
      await this.#connect();
    } catch (error) {
      this.#listeners.delete(listener);
      throw error;
    }
    return async () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) await this.#disconnect();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#disconnect();
  }

  #connect(): Promise<void> {
    if (this.#client) return Promise.resolve();
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (message) => {
      const seq = Number(message.payload);
      for (const listener of this.#listeners) listener(Number.isSafeInteger(seq) ? seq : undefined);
    });
    // A lost connection (a server restart) is reopened while anyone listens.
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      void client.end().catch(() => {});
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    try {
      await client.query(sql.listenEvents);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.#client = client;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#listeners.size === 0 || this.#reconnect) return;
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      this.#connect().then(
        () => {
          for (const listener of this.#listeners) listener(undefined);
        },
        () => this.#scheduleReconnect(),
      );
    }, LISTEN_RECONNECT_MS);
  }

  async #disconnect(): Promise<void> {
    clearTimeout(this.#reconnect);
    this.#reconnect = undefined;
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    this.#client = undefined;
    await client?.end();
  }
}
