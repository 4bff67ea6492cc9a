// 6. CLI cold start: `mixpanel-gdpr --help` versus `node -e 0`.
import { spawnSync } from 'node:child_process';
import { summarize } from './stats.mjs';

const BIN = new URL('../apps/cli/dist/bin.js', import.meta.url).pathname;

function time(args) {
  const start = performance.now();
  const { status } = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (status !== 0) throw new Error(`${args.join(' ')} exited ${status}`);
  return performance.now() - start;
}

export async function coldStart({ quick }) {
  const runs = quick ? 3 : 15;
  const cli = [];
  const node = [];
  for (let i = 0; i < runs; i++) {
    node.push(time(['-e', '0']));
    cli.push(time([BIN, '--help']));
  }
  const s = summarize(cli);
  const base = summarize(node).median;
  return [
    {
      id: '6',
      what: 'mixpanel-gdpr --help, ms',
      value: s,
      unit: 'ms',
      baseline: ['node -e 0', base],
      ratio: s.median / base,
      target: '≤ 300 ms median',
      met: s.median <= 300,
    },
  ];
}
