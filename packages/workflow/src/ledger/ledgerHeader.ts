/** What the first line of a ledger says it is. Never passed to `applyRecord`: it is not a record. */
export interface LedgerHeader {
  type: 'ledger';
  format: typeof LEDGER_FORMAT;
  /** The format version that wrote the ledger; a newer one is refused rather than misread. */
  version: number;
  /** Epoch milliseconds. */
  createdAt: number;
}

export const LEDGER_FORMAT = 'mixpanel-gdpr-ledger';
/**
 * 2: every record line carries `prev`, the hash of the line before it
 * (`ledgerChain.ts`). Version 1 ledgers are read as they are; what is
 * appended to them carries `prev`, so their chain starts there.
 */
export const LEDGER_VERSION = 2;

/**
 * How every header line starts (the key order of `ledgerHeaderLine` is
 * fixed): a file holding only a prefix of it is a header torn by a crash
 * while the ledger was being created.
 */
export const LEDGER_HEADER_START = `{"type":"ledger","format":"${LEDGER_FORMAT}"`;

/** The first line of a new ledger, with its newline. */
export function ledgerHeaderLine(createdAt: number): string {
  const header: LedgerHeader = { type: 'ledger', format: LEDGER_FORMAT, version: LEDGER_VERSION, createdAt };
  return `${JSON.stringify(header)}\n`;
}

/** Whether a parsed first line claims to be a header (its version is checked by the caller). */
export function isLedgerHeader(value: unknown): value is LedgerHeader {
  const v = value as Partial<LedgerHeader> | null;
  return typeof v === 'object' && v !== null && v.type === 'ledger' && v.format === LEDGER_FORMAT;
}
