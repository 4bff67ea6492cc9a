import { EXIT } from './exitCodes.js';

/** A failure with its exit code and a one-line message for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}
