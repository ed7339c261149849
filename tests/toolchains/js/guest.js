// The `example:toolchains/guest` world in JavaScript, built into a component by ComponentizeJS
// (scripts/build-toolchains.mjs). Values follow jco's conventions: records as objects, variants as
// { tag, val }, s64 as BigInt, an option as the value or undefined, and a function returning a
// `result` returns the ok value and throws for err.

import { log } from 'example:toolchains/host@0.1.0';

export const api = {
  toolchain() {
    return 'componentize-js';
  },

  greet(name) {
    const text = `hello, ${name}!`;
    log(text);
    return text;
  },

  sum(xs) {
    let total = 0n;
    for (const x of xs) total += BigInt(x);
    return total;
  },

  shoutReversed(words) {
    return [...words].reverse().map((w) => w.replace(/[a-z]/g, (c) => c.toUpperCase()));
  },

  translate(p, dx, dy) {
    return { x: (p.x + dx) | 0, y: (p.y + dy) | 0, label: `${p.label}'` };
  },

  area(shape) {
    switch (shape.tag) {
      case 'circle':
        return shape.val * shape.val * 3;
      case 'rect':
        return Math.abs(shape.val.x * shape.val.y);
      case 'empty':
        return 0;
      default:
        throw new Error(`unknown shape ${shape.tag}`);
    }
  },

  parseU32(s) {
    if (!/^[0-9]+$/.test(s)) throw `not a number: ${s}`;
    const n = Number(s);
    if (n > 0xffffffff) throw `too big: ${s}`;
    return n;
  },

  splitLabelled(ps) {
    const labelled = ps.filter((p) => p.label !== '');
    return [labelled, ps.length - labelled.length];
  },

  firstLonger(words, min) {
    return words.find((w) => [...w].length > min);
  },

  print(text) {
    console.log(text);
  },

  nowMs() {
    return BigInt(Date.now());
  },

  randomBytes(n) {
    return crypto.getRandomValues(new Uint8Array(n));
  },
};
