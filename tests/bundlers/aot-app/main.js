// The app every bundler builds with Terrarium's plugin: a component imported as a module
// (`?component`, its ahead-of-time output), its one non-WASI import mapped to ./bench-host.js by the
// plugin's options; and `terrarium transpile --instantiation async` output (./aot-async/, written
// when the app is installed) instantiated in Terrarium's guest worker. It shows what it got as JSON
// in #out; the dev-server test swaps calc.wasm for another component and expects that one's
// exports after the reload.
import * as calc from './calc.wasm?component';
import * as host from './bench-host.js';
import { instantiate } from './aot-async/calc.js';

const out = document.getElementById('out');
try {
  const result = { names: Object.keys(calc).sort() };
  if (calc.api) {
    result.add = calc.api.add(2, 3);
    result.echo = calc.api.echoString('héllo');
    calc.api.callHost('from the guest');
    result.logged = [...host.logged];
  }
  const inWorker = await instantiate(null, { 'example:bench/host': host }, { blocking: 'worker' });
  result.workerAdd = await inWorker.api.add(40, 2);
  out.textContent = JSON.stringify(result);
} catch (error) {
  out.textContent = JSON.stringify({ error: String(error?.stack ?? error) });
}
