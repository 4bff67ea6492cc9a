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
