// The app every bundler builds with Terrarium's plugin: a component imported as a module
// (`?component`, its ahead-of-time output), its one non-WASI import mapped to ./bench-host.js by the
// plugin's options. It shows what it got as JSON in #out; the dev-server test swaps calc.wasm for
// another component and expects that one's exports after the reload.
import * as calc from './calc.wasm?component';
import { logged } from './bench-host.js';

const out = document.getElementById('out');
try {
  const result = { names: Object.keys(calc).sort() };
  if (calc.api) {
    result.add = calc.api.add(2, 3);
    result.echo = calc.api.echoString('héllo');
    calc.api.callHost('from the guest');
    result.logged = [...logged];
  }
  out.textContent = JSON.stringify(result);
} catch (error) {
  out.textContent = JSON.stringify({ error: String(error?.stack ?? error) });
}
