import { PassThrough } from 'node:stream';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { createWorkflow, MemoryLedger } from '../src/index.js';
import { neutraliseFormula } from '../src/writeReport.js';
import { scriptedClient } from './helpers/scriptedClient.js';

const hostile = ['=HYPERLINK("http://x","y")', '+1-2', '-3+4', '@SUM(A1)', '\tcmd', '\rcmd', 'plain-id', "'quoted"];

async function reportOf(format: 'csv' | 'json'): Promise<string> {
  const { client } = scriptedClient({});
  const workflow = createWorkflow({ client, ledger: new MemoryLedger(), ratePerSecond: 1000 });
  const jobId = await workflow.createJob({ kind: 'deletion', complianceType: 'GDPR', ids: hostile });
  await workflow.run(jobId);
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  await workflow.report(jobId, format, out);
  return text;
}

describe('reports', () => {
  it('CSV cells that a spreadsheet would run as formulas start with an apostrophe', async () => {
    const rows = Papa.parse<{ distinctId: string }>(await reportOf('csv'), { header: true, skipEmptyLines: true }).data;
    const byId = rows.map((r) => r.distinctId);
    // Trimming happened at ingestion: '\tcmd' and '\rcmd' arrive as 'cmd'; the rest must be escaped.
    expect(byId).toEqual(['\'=HYPERLINK("http://x","y")', "'+1-2", "'-3+4", "'@SUM(A1)", 'cmd', 'plain-id', "'quoted"]);
  });

  it('escapes cells starting with a tab or a carriage return too, and leaves others alone', () => {
    expect(['\tx', '\rx', 'x=1', ' =1', ''].map(neutraliseFormula)).toEqual(["'\tx", "'\rx", 'x=1', ' =1', '']);
  });

  it('JSON keeps every id exactly as read', async () => {
    const report = JSON.parse(await reportOf('json')) as { ids: Array<{ distinctId: string }> };
    expect(report.ids.map((r) => r.distinctId)).toEqual([
      '=HYPERLINK("http://x","y")',
      '+1-2',
      '-3+4',
      '@SUM(A1)',
      'cmd',
      'plain-id',
      "'quoted",
    ]);
  });
});
