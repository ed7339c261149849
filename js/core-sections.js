/**
 * Where a component's core modules lie, found by walking its sections (and its nested
 * components') without the engine, so that `load()` can start compiling them while the engine
 * itself still loads and plans. Nothing here validates: a binary it cannot walk simply yields
 * fewer ranges, and host-core's plan decides what the component is.
 */

const CORE_MODULE_SECTION = 1;
const COMPONENT_SECTION = 4;
const PREAMBLE = 8;

/**
 * The byte ranges of every core module in the component `bytes` (nested ones included), as
 * offsets into `bytes`, in binary order.
 * @param {Uint8Array} bytes
 * @returns {{start: number, end: number}[]}
 */
export function coreModuleRanges(bytes) {
  const ranges = [];
  walk(bytes, 0, bytes.length, ranges);
  return ranges;
}

function walk(bytes, from, to, ranges) {
  let at = from + PREAMBLE;
  while (at < to) {
    const id = bytes[at++];
    const size = leb128(bytes, at, to);
    if (size === null) return;
    at = size.next;
    const end = at + size.value;
    if (end > to) return;
    if (id === CORE_MODULE_SECTION) ranges.push({ start: at, end });
    else if (id === COMPONENT_SECTION) walk(bytes, at, end, ranges);
    at = end;
  }
}

/** An unsigned LEB128 u32 at `at`, and where it ends; null where it is cut off or too long. */
function leb128(bytes, at, to) {
  let value = 0;
  for (let shift = 0; shift < 35 && at < to; shift += 7) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: at };
  }
  return null;
}
