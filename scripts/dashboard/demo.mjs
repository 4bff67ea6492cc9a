#!/usr/bin/env node
// `pnpm demo:dashboard`: the dashboard on http://127.0.0.1:8080 (or --port N) with demo requests in every
// state, served by the real `mixpanel-gdpr serve` over two fake Mixpanel projects. Runs until Ctrl-C.
import { parseArgs } from 'node:util';
import { startDashboardDemo } from './startDashboardDemo.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number (got ${JSON.stringify(values.port)})`);
  process.exit(2);
}
const demo = await startDashboardDemo({ port });
const relative = demo.out.slice(process.cwd().length + 1);
console.error(`
Dashboard: ${demo.url}/
Sign in with the key in ${relative}/admin.key (read, submit, admin), ${relative}/submit.key (read, submit)
or ${relative}/read.key (read only). The service's log is ${relative}/serve.log. Ctrl-C stops it.`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await demo.stop();
    process.exit(0);
  });
