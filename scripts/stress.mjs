#!/usr/bin/env node
// `pnpm stress [--runs N] [--burners N] [--filter PKG]…`: the whole test suite, N times in a row,
// while other processes keep every core busy. A test that only passes on an idle machine is a
// flaky test; this finds it before CI does. Prints the failed tests of each run; exits 1 if any
// run failed.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const DEFAULTS = {
  /** Runs of the suite, one after the other. @default 3 */
  runs: 3,
  /** Busy-looping processes, one per core: the suite then gets the CPU only as one user among others. @default availableParallelism() */
  burners: availableParallelism(),
};

/** Where each package's vitest writes its JSON results, relative to the package (node_modules: never committed, never a turbo input). */
const RESULT_FILE = 'node_modules/.vitest-stress.json';

/** pnpm is pinned in package.json's packageManager; npx fetches that one (corepack fails here). */
const PNPM = ['-y', 'pnpm@10.34.9'];

const options = parseArgs(process.argv.slice(2));
const burners = startBurners(options.burners);
const logDir = await mkdtemp(join(tmpdir(), 'mpgdpr-stress-'));
let failedRuns = 0;
try {
  console.log(
    `stress: ${options.runs} run(s) of the test suite beside ${options.burners} busy process(es); logs in ${logDir}`,
  );
  for (let run = 1; run <= options.runs; run++) {
    const started = Date.now();
    const log = join(logDir, `run-${run}.log`);
    const outcome = await runSuite(options.filters, log);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (outcome.failed.length === 0 && outcome.code === 0) {
      console.log(`run ${run}/${options.runs}: passed (${outcome.tests} tests, ${seconds} s)`);
      continue;
    }
    failedRuns++;
    console.log(
      `run ${run}/${options.runs}: FAILED (exit ${outcome.code}, ${outcome.failed.length} failed of ${outcome.tests} tests, ${seconds} s; log: ${log})`,
    );
    for (const failure of outcome.failed) console.log(`  ✗ ${failure}`);
    if (outcome.failed.length === 0)
      console.log('  (no failed test found in the results: a build, typecheck or crash failed; see the log)');
  }
} finally {
  stopBurners(burners);
}
console.log(
  failedRuns ? `stress: ${failedRuns} of ${options.runs} run(s) failed` : `stress: all ${options.runs} run(s) passed`,
);
process.exit(failedRuns ? 1 : 0);

function parseArgs(args) {
  const parsed = { ...DEFAULTS, filters: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--runs' || flag === '--burners') {
      const n = Number(value);
      const min = flag === '--runs' ? 1 : 0;
      if (!Number.isInteger(n) || n < min)
        usage(`${flag} must be a whole number ≥ ${min} (got ${JSON.stringify(value)})`);
      parsed[flag.slice(2)] = n;
      i++;
    } else if (flag === '--filter' && value) {
      parsed.filters.push(value);
      i++;
    } else {
      usage(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return parsed;
}

function usage(problem) {
  console.error(
    `stress: ${problem}\nusage: node scripts/stress.mjs [--runs N (default 3)] [--burners N (default: one per core)] [--filter PACKAGE]…`,
  );
  process.exit(2);
}

/** Node processes that spin for ever. Started directly (no shell, no npx) so that the pid killed is the one spinning. */
function startBurners(count) {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  const stop = () => stopBurners(children);
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  return children;
}

function stopBurners(children) {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * One run of the suite as CI runs it (turbo, packages side by side), with
 * the cache bypassed; each package's vitest also writes JSON results, read
 * back for the names of the failed tests.
 */
async function runSuite(filters, log) {
  const packages = await testedPackages();
  await Promise.all(packages.map((dir) => rm(join(dir, RESULT_FILE), { force: true })));
  const args = [
    ...PNPM,
    'exec',
    'turbo',
    'run',
    'test',
    '--force',
    '--ui=stream',
    '--continue',
    ...filters.map((f) => `--filter=${f}`),
    '--',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${RESULT_FILE}`,
  ];
  const code = await runLogged('npx', args, log);
  const failed = [];
  let tests = 0;
  for (const dir of packages) {
    const results = await readFile(join(dir, RESULT_FILE), 'utf8').then(JSON.parse, () => undefined);
    if (!results) continue;
    tests += results.numTotalTests;
    failed.push(...failedTests(results, dir));
  }
  return { code, failed, tests };
}

/** Names of the failed tests (file > describe > test: first line of the error), and files that failed to run at all. */
function failedTests(results, dir) {
  const name = dir.slice(ROOT.length);
  const failed = [];
  for (const file of results.testResults) {
    const path = file.name.startsWith(dir) ? file.name.slice(dir.length + 1) : file.name;
    const tests = file.assertionResults.filter((t) => t.status === 'failed');
    for (const t of tests)
      failed.push(
        `${name} ${path} > ${[...t.ancestorTitles, t.title].join(' > ')}: ${firstLine(t.failureMessages[0])}`,
      );
    if (file.status === 'failed' && tests.length === 0) failed.push(`${name} ${path}: ${firstLine(file.message)}`);
  }
  return failed;
}

function firstLine(text = '') {
  return (
    text
      .split('\n')
      .find((line) => line.trim())
      ?.trim()
      .slice(0, 300) ?? '(no message)'
  );
}

/** Workspace packages with a test script (packages/*, apps/*). */
async function testedPackages() {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of await readdir(join(ROOT, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(ROOT, group, entry.name);
      const manifest = await readFile(join(dir, 'package.json'), 'utf8').then(JSON.parse, () => undefined);
      if (manifest?.scripts?.test) dirs.push(dir);
    }
  }
  return dirs;
}

/** Runs a command with its output in `log` only (the runs would interleave on a terminal); resolves to its exit code. */
async function runLogged(command, args, log) {
  await writeFile(log, `$ ${command} ${args.join(' ')}\n`);
  const out = createWriteStream(log, { flags: 'a' });
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => resolve(exitCode ?? `signal ${signal}`));
  });
  await new Promise((resolve) => out.end(resolve));
  return code;
}
