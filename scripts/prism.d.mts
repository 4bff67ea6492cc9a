export declare const SPEC_PATH: string;
export declare const SERVICE_SPEC_PATH: string;
export declare function freePort(): Promise<number>;
export interface PrismOptions {
  mode?: 'mock' | 'proxy';
  /** The spec to serve. @default SPEC_PATH (Mixpanel's API) */
  spec?: string;
  /** Upstream URL for `proxy` mode. */
  upstream?: string;
  port?: number;
  /** Extra CLI flags, e.g. `['--errors']`. */
  args?: string[];
  startTimeoutMs?: number;
  log?: (line: string) => void;
}
export interface RunningPrism {
  url: string;
  port: number;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}
export declare function startPrism(options?: PrismOptions): Promise<RunningPrism>;
