/**
 * Long runs of ASCII bytes and of UTF-16 units that are not surrogates, found 64 bytes at a time by
 * a small SIMD module instantiated over a guest's memory: the part of validating a string copied
 * between components (string-copy.js) that JS does a word at a time at a third of memcpy's speed.
 * The module only finds where a run ends; string-copy.js still decides what is valid, so a memory
 * without a scanner (an engine without SIMD, which refuses the module; a shared memory; a memory the
 * import does not match) gets the same results from the JS loop alone.
 */
/**
 * `(memory (import "m" "memory") 0)` and two functions of `(param $p i32) (param $end i32) (result
 * i32)`, exported as `ascii` and `utf16`: the first byte address in [$p, $end) where the run ends (a
 * byte >= 0x80; a unit in 0xd800..0xdfff, $p even), else $end. Each tests four v128 loads at a time,
 * then goes on a byte or a unit at a time for the last 63 bytes or up to the end of the run.
 */
function scannerBytes() {
  const I32 = 0x7f;
  const V128 = 0x7b;
  const [block, loop, br, brIf, end] = [0x02, 0x03, 0x0c, 0x0d, 0x0b];
  const [get, set] = [0x20, 0x21];
  const [i32Const, i32Sub, i32Add, i32And, i32Eq, i32LtU, i32GeU] = [0x41, 0x6b, 0x6a, 0x71, 0x46, 0x49, 0x4f];
  const [load8S, load16U] = [0x2c, 0x2f];
  const simd = (op) => [0xfd, ...uleb(op)];
  const vload = (offset) => [...simd(0x00), 0, offset]; // v128.load align=1
  const [vOr, vAnd, anyTrue, i8Bitmask, i16Eq, i16Splat] = [0x50, 0x4e, 0x53, 0x64, 0x2d, 0x10].map(simd);
  const P = 0;
  const END = 1;
  const void_ = 0x40;
  /** `block (loop (br_if 1 (end - p < 64)) <test> (br_if 1) p += 64 (br 0))`: the vector loop. */
  const wide = (test) => [
    block, void_, loop, void_,
    get, END, get, P, i32Sub, i32Const, ...sleb(64), i32LtU, brIf, 1,
    ...test, brIf, 1,
    get, P, i32Const, ...sleb(64), i32Add, set, P, br, 0, end, end,
  ];
  /** The same, a `step` at a time while `stop` (a test of the element at p) is false; then p. */
  const narrow = (stop, step) => [
    block, void_, loop, void_,
    get, P, get, END, i32GeU, brIf, 1,
    ...stop, brIf, 1,
    get, P, i32Const, ...sleb(step), i32Add, set, P, br, 0, end, end,
    get, P, end,
  ];
  const ascii = [
    0,
    ...wide([get, P, ...vload(0), get, P, ...vload(16), ...vOr, get, P, ...vload(32), ...vOr, get, P, ...vload(48), ...vOr, ...i8Bitmask]),
    ...narrow([get, P, load8S, 0, 0, i32Const, 0, 0x48 /* i32.lt_s */], 1),
  ];
  // Locals 2 and 3: 0xf800 and 0xd800 in every lane; a unit is a surrogate when (u & 0xf800) == 0xd800.
  const surrogate = (offset) => [get, P, ...vload(offset), get, 2, ...vAnd, get, 3, ...i16Eq];
  const utf16 = [
    1, 2, V128,
    i32Const, ...sleb(0xf800), ...i16Splat, set, 2,
    i32Const, ...sleb(0xd800), ...i16Splat, set, 3,
    ...wide([...surrogate(0), ...surrogate(16), ...vOr, ...surrogate(32), ...vOr, ...surrogate(48), ...vOr, ...anyTrue]),
    ...narrow([get, P, load16U, 1, 0, i32Const, ...sleb(0xf800), i32And, i32Const, ...sleb(0xd800), i32Eq], 2),
  ];
  const name = (s) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  const section = (id, body) => [id, ...uleb(body.length), ...body];
  const code = [ascii, utf16].map((f) => [...uleb(f.length), ...f]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 1, I32]),
    ...section(2, [1, ...name('m'), ...name('memory'), 0x02, 0x00, 0]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...name('ascii'), 0x00, 0, ...name('utf16'), 0x00, 1]),
    ...section(10, [2, ...code.flat()]),
  ]);
}

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** @type {WebAssembly.Module|null|undefined} compiled on first use; null where the engine lacks SIMD */
let module;
/** @type {WeakMap<WebAssembly.Memory, Scanner|null>} */
const scanners = new WeakMap();

/**
 * @typedef {{ ascii(p: number, end: number): number, utf16(p: number, end: number): number }} Scanner
 * @param {WebAssembly.Memory} memory an ordinary (not shared) memory
 * @returns {Scanner|null} the scanner over `memory`, made once per memory, or null where there is none
 */
export function scannerFor(memory) {
  let scanner = scanners.get(memory);
  if (scanner !== undefined) return scanner;
  module ??= compile();
  try {
    scanner = module === null ? null : /** @type {any} */ (new WebAssembly.Instance(module, { m: { memory } }).exports);
  } catch {
    scanner = null; // a memory the import does not match: a shared or a 64-bit one
  }
  scanners.set(memory, scanner);
  return scanner;
}

function compile() {
  try {
    return new WebAssembly.Module(scannerBytes());
  } catch {
    return null; // an engine without SIMD
  }
}
