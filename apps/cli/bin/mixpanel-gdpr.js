#!/usr/bin/env node
// The bin target is this committed file, not dist/bin.js: package managers link
// bins at install time, before a fresh checkout has built dist/.
import '../dist/bin.js';
