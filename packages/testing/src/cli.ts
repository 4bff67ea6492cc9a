#!/usr/bin/env node
// `mixpanel-gdpr-fake [--port N] [--oauth-token T] [--project-token T] [--pending-ms MS] [--staging-ms MS]
// [--started-ms MS] [--fail-id ID]… [--rate REQ_PER_S] [--rate-429 P] [--rate-5xx P] [--rate-drop P]
// [--rate-malformed P] [--latency-ms MS] [--seed N] [--export-link-ttl-ms MS] [--export-bytes N]
// [--url-file FILE] …` (`--help` lists them all): runs the fake on loopback until SIGINT/SIGTERM and prints its URL.
import { writeFileSync } from 'node:fs';
import { FAKE_HELP, type FakeArgs, FakeArgsError, parseFakeArgs } from './parseFakeArgs.js';
import { startFakeMixpanel } from './startFakeMixpanel.js';

let args: FakeArgs;
try {
  args = parseFakeArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof FakeArgsError)) throw error;
  process.stderr.write(`mixpanel-gdpr-fake: ${error.message}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(FAKE_HELP);
  process.exit(0);
}
const { options, urlFile } = args;
const fake = await startFakeMixpanel(options);
if (urlFile) writeFileSync(urlFile, fake.url);
// Only the default tokens are echoed: ones given on the command line may be someone's test secrets.
const tokens = `oauth token ${options.oauthToken === undefined ? '"fake-oauth-token"' : 'as given'}, project token ${options.projectToken === undefined ? '"fake-project-token"' : 'as given'}`;
console.log(`fake Mixpanel GDPR API at ${fake.url} (exports at ${fake.exportOrigin}); ${tokens}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void fake.close().then(() => process.exit(0)));
