// The bundler plugins' types: their shared options, a misspelt one refused.
import { terrarium } from 'terrarium-wasm/vite';
import { terrarium as e } from 'terrarium-wasm/esbuild';
terrarium({ map: { a: './b.js' } });
e({ wasi: false });
// @ts-expect-error: no option `mapp`
e({ mapp: {} });
