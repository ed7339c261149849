// Helpers shared by the browser tests (not a spec: the config only runs *.spec.mjs).

import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** Opens the test harness page (`window.terrarium` and helpers) and waits until it is ready, with no page error. */
export async function openHarness(page) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  expect(errors).toEqual([]);
}

/**
 * Decodes an 8-bit RGB/RGBA PNG (what Chromium's screenshots are) and counts its distinct colours,
 * stopping at `limit`. A blank page is one colour; a rendered one has many.
 * @returns {{width: number, height: number, colours: number}}
 */
export function pngColours(path, limit = 1000) {
  const png = readFileSync(path);
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error(`${path} is not a PNG`);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8];
      const colourType = data[9];
      if (bitDepth !== 8 || data[12] !== 0) throw new Error(`unsupported PNG: depth ${bitDepth}, interlace ${data[12]}`);
      channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType];
      if (!channels) throw new Error(`unsupported PNG colour type ${colourType}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  let previous = new Uint8Array(stride);
  const colours = new Set();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? row[x - channels] : 0;
      const b = previous[x];
      const c = x >= channels ? previous[x - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[x] = (line[x] + predictor) & 0xff;
    }
    for (let x = 0; x < stride && colours.size < limit; x += channels) {
      let key = 0;
      for (let k = 0; k < Math.min(channels, 3); k++) key = key * 256 + row[x + k];
      colours.add(key);
    }
    previous = row;
  }
  return { width, height, colours: colours.size };
}

/** Takes a full-page screenshot into test-results/ and checks that it is not blank. */
export async function screenshot(page, expect, name) {
  const path = `test-results/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  const { width, height, colours } = pngColours(path);
  expect(width, `${name}.png width`).toBeGreaterThan(300);
  expect(height, `${name}.png height`).toBeGreaterThan(300);
  expect(colours, `${name}.png should not be blank`).toBeGreaterThan(16);
  return path;
}

/** What a page reports going wrong (uncaught errors, console errors), collected for a test to expect none. */
export function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}
