import type { ExecFileOptions } from 'node:child_process';
export declare function pnpmCommand(env?: NodeJS.ProcessEnv): string[];
export declare function runPnpm(args: string[], options?: ExecFileOptions): Promise<{ stdout: string; stderr: string }>;
