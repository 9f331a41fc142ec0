#!/usr/bin/env node
/** `selectchat`: the full-screen client on a terminal, a line client otherwise. */
// First: it must run before ink is imported (see the module).
import './ignore-ci-flag.js';
import { runLineMode } from './line-mode.js';
import { parseOptions } from './options.js';
import { runTui } from './tui.js';

const options = parseOptions(process.argv);
if (process.stdin.isTTY && process.stdout.isTTY) runTui(options);
else runLineMode(options);
