import { afterAll } from 'vitest';
import { stopStartedClis } from '../helpers.js';

// After each test file, whatever it started and left running (a test that timed out skipped its own cleanup).
afterAll(stopStartedClis);
