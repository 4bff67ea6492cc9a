#!/usr/bin/env node
// `pnpm mock [--service] [--port N]`: the Prism mock of Mixpanel's API (or, with
// --service, of our own service's API), on loopback, until Ctrl-C.
import { SERVICE_SPEC_PATH, SPEC_PATH, startPrism } from './prism.mjs';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 4010;
const service = process.argv.includes('--service');
const prism = await startPrism({
  port,
  spec: service ? SERVICE_SPEC_PATH : SPEC_PATH,
  args: ['--errors'],
  log: (line) => console.log(line),
});
if (service) {
  console.log(`\nMock of the mixpanel-gdpr service API at ${prism.url} (Ctrl-C to stop).`);
  console.log(`Try: curl -H 'Authorization: Bearer any-key' '${prism.url}/v1/requests?limit=10'`);
} else {
  console.log(`\nMock of the Mixpanel GDPR API at ${prism.url} (Ctrl-C to stop).`);
  console.log(
    `Try: curl -H 'Authorization: Bearer x' '${prism.url}/data-deletions/v3.0/abc?token=t' -H 'Prefer: example=SUCCESS'`,
  );
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => prism.stop().then(() => process.exit(0)));
}
