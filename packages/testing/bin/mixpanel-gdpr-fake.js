#!/usr/bin/env node
// The bin target is this committed file, not dist/cli.js: package managers link
// bins at install time, before a fresh checkout has built dist/ (pnpm warned).
import '../dist/cli.js';
