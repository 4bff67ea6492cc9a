#!/usr/bin/env node
// `pnpm mock [--port N]`: the Prism mock of spec/, on loopback, until Ctrl-C.
import { startPrism } from './prism.mjs';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 4010;
const prism = await startPrism({ port, args: ['--errors'], log: (line) => console.log(line) });
console.log(`\nMock of the Mixpanel GDPR API at ${prism.url} (Ctrl-C to stop).`);
console.log(
  `Try: curl -H 'Authorization: Bearer x' '${prism.url}/data-deletions/v3.0/abc?token=t' -H 'Prefer: example=SUCCESS'`,
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => prism.stop().then(() => process.exit(0)));
}
