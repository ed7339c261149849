// A module Web Worker importing the package by URL, with no bundler: it loads, calls, and posts back.
import { load } from '../node_modules/terrarium-wasm/dist/terrarium.js';

const component = await load(new URL('../bench.wasm', import.meta.url));
const instance = await component.instantiate({ 'example:bench/host': { log() {} } });
self.postMessage({ add: instance.exports.api.add(20, 22) });
