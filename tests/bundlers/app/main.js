// The app every bundler builds: it imports the installed package by name and uses each file the
// package fetches at run time (the engine's wasm for load and wit(), the filesystem's wasm, the
// guest worker), then shows what it got as JSON in #out.
import { load, createFilesystem } from 'terrarium-wasm';

const host = { 'example:bench/host': { log() {} } };
const out = document.getElementById('out');
/** Marks the step the app is at, so a test that waits in vain says where the app stopped. */
const step = (name) => {
  out.dataset.step = name;
};
try {
  step('load');
  const component = await load(new URL('./bench.wasm', location.href));
  step('instantiate');
  const inPage = await component.instantiate(host);
  step('instantiate in a worker');
  const inWorker = await component.instantiate(host, { blocking: 'worker' });
  step('createFilesystem');
  const fs = await createFilesystem({ 'a.txt': 'from the page' });
  step('calls');
  const result = {
    add: inPage.exports.api.add(2, 3),
    workerAdd: await inWorker.exports.api.add(40, 2),
    wit: /export example:bench\/api@0\.1\.0;/.test(await component.wit()),
    file: fs.readText('a.txt'),
  };
  out.textContent = JSON.stringify(result);
} catch (error) {
  out.textContent = JSON.stringify({ error: String(error?.stack ?? error) });
}
