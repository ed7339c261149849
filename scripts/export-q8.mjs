#!/usr/bin/env node
// Quantizes a llama2.c f32 checkpoint (legacy header or "ak42" version 1) to Q8_0 (version 2), as
// llama2.c's `export.py --version 2` does, with demo-site/llama-q8.js (the code the Llama demo and
// the tests use):
//
//   node scripts/export-q8.mjs IN.bin OUT.bin [--group-size N]   (default: 64, halved until it divides dim)

import { readFileSync, writeFileSync } from 'node:fs';
import { quantizeCheckpoint } from '../demo-site/llama-q8.js';

const args = process.argv.slice(2);
const at = args.indexOf('--group-size');
const groupSize = at >= 0 ? Number(args.splice(at, 2)[1]) : undefined;
if (args.length !== 2 || (groupSize !== undefined && !Number.isInteger(groupSize))) {
  console.error('usage: node scripts/export-q8.mjs IN.bin OUT.bin [--group-size N]');
  process.exit(2);
}
try {
  const input = readFileSync(args[0]);
  const { checkpoint, groupSize: used } = quantizeCheckpoint(new Uint8Array(input.buffer, input.byteOffset, input.length), { groupSize });
  writeFileSync(args[1], checkpoint);
  console.log(`export-q8: ${args[1]}: ${checkpoint.length} bytes (from ${input.length}), groups of ${used}`);
} catch (error) {
  console.error(`export-q8: ${error.message}`);
  process.exit(1);
}
