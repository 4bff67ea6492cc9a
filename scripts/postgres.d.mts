export interface FreshDatabase {
  /** Connection URL of the new, empty database (a secret: never print it). */
  url: string;
  name: string;
  /** A pool on it (a `pg.Pool`: `pg` is the store package's dependency, not the root's); ended by `drop`. */
  pool(): unknown;
  /** Ends the pools, then drops the database, closing any connection left. */
  drop(): Promise<void>;
}
/** A new empty database on the server at `serverUrl` (see postgres.mjs). */
export declare function freshDatabase(
  serverUrl: string,
  options?: { prefix?: string; poolMax?: number },
): Promise<FreshDatabase>;

export interface ThrowawayPostgres {
  /** postgres://… with a random password: a secret, never printed. */
  url: string;
  pid: number;
  port: number;
  /** Stops the server process (and waits until it has exited and the port is closed), then deletes its files. */
  stop(): Promise<void>;
  /** Stops the server (its connections drop) and starts it again on the same port and data: a database restart. */
  restart(): Promise<void>;
}
export declare function startThrowawayPostgres(dataDir: string): Promise<ThrowawayPostgres>;
export declare function processIsAlive(pid: number): boolean;
/** Whether something accepts connections on loopback at `port`. */
export declare function portIsOpen(port: number): Promise<boolean>;
