import type { EvidencePack } from './evidencePack.js';

/** Ids listed in the Markdown summary; the JSON lists them all. */
const LISTED_IDS = 50;

/** Markdown table cells: pipes and line breaks would break the table. */
const cell = (text: string) =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');

/**
 * The readable summary of an evidence pack, for a person (an auditor, the
 * DPO). `jsonSha256` is the hash of the JSON pack it summarises, so the two
 * travel together.
 */
export function evidenceMarkdown(pack: EvidencePack, jsonSha256: string): string {
  const { request: r, deadline: d } = pack;
  const out: string[] = [];
  out.push(`# Evidence: ${r.kind} request ${cell(r.ticket)}`, '');
  out.push('| | |', '|---|---|');
  const row = (k: string, v: string) => out.push(`| ${k} | ${cell(v)} |`);
  row('Request id', r.requestId);
  row('Regulation', r.regulation + (r.disclosureType ? ` (${r.disclosureType})` : ''));
  row('Received', `${r.receivedAt} (dates read in ${r.timeZone})`);
  row('Due', d.extension ? `${d.dueDate} (extended from ${d.originalDueDate})` : d.dueDate);
  if (d.extension) row('Extension', `${d.extension.reason} (recorded ${d.extension.recordedAt})`);
  row('State', `${d.stage}${d.overdue ? ', OVERDUE' : d.atRisk ? ', AT RISK' : ''}${d.late ? ', completed late' : ''}`);
  if (d.submittedAt) row('Submitted (all ids)', d.submittedAt);
  if (d.completedAt) row('Completed', d.completedAt);
  if (d.reasons.length) row('Attention', d.reasons.join('; '));
  row('Distinct ids', `${r.ids.length}${r.invalid.length ? ` (+${r.invalid.length} invalid, never sent)` : ''}`);
  if (r.source) row('Input', `${r.source.name}${r.source.sha256 ? `, sha256 ${r.source.sha256}` : ''}`);
  if (r.labels)
    row(
      'Labels',
      Object.entries(r.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    );
  if (r.purgedAt) row('Ids purged from the ledger', r.purgedAt);
  if (r.cancelled) row('Cancelled', `${r.cancelled.at}: ${r.cancelled.reason}`);
  row('Generated', `${pack.generatedAt} by ${pack.tool.name} ${pack.tool.version}`);
  row('Evidence JSON sha256', jsonSha256);
  if (pack.ledgerHead) row('Ledger head (mixpanel-gdpr verify)', pack.ledgerHead);
  out.push('');
  for (const p of pack.projects) {
    out.push(`## Project ${cell(p.name)}: ${p.stage}`, '');
    if (p.identity)
      out.push(
        `Region ${p.identity.region}, API ${p.identity.apiOrigin}, project token fingerprint ${p.identity.tokenFingerprint}.`,
        '',
      );
    if (p.tasks.length) {
      out.push('| task | ids | status | timeline | Mixpanel | export |', '|---|---|---|---|---|---|');
      for (const t of p.tasks) {
        const timeline = t.timeline
          .map((e) => `${e.at} ${e.event}${e.status ? ` ${e.status}` : ''}${e.detail ? ` (${e.detail})` : ''}`)
          .join('<br>');
        const mixpanel = t.mixpanel
          ? Object.entries(t.mixpanel)
              .map(([k, v]) => `${k}: ${v}`)
              .join('<br>')
          : '';
        const exported = t.export ? `${t.export.bytes} bytes, sha256 ${t.export.sha256}` : '';
        out.push(
          `| ${cell(t.taskId)} | ${t.ids.length} | ${t.status} | ${cell(timeline)} | ${cell(mixpanel)} | ${cell(exported)} |`,
        );
      }
      out.push('');
    }
    if (p.notSubmitted.length) out.push(`${p.notSubmitted.length} id(s) not in any task yet.`, '');
  }
  out.push('## Distinct ids', '');
  for (const id of r.ids.slice(0, LISTED_IDS)) out.push(`- \`${id.replace(/`/g, "'")}\``);
  if (r.ids.length > LISTED_IDS) out.push(`- … and ${r.ids.length - LISTED_IDS} more (all in the JSON evidence)`);
  out.push('', '## Not covered', '', ...pack.notCovered.map((n) => `- ${n}`), '');
  return out.join('\n');
}
