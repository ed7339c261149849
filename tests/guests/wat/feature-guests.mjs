// The engine-feature guests (feature-*.wat here), shared by the Node and Chromium tests: the
// `features` probe each needs, how a refusal names its feature, and what its `compute` returns.

export const featureGuests = [
  { name: 'feature-gc', probe: 'gc', named: 'WasmGC (`gc`)', result: 45 },
  { name: 'feature-exceptions', probe: 'exceptions', named: 'exception handling (`exceptions`)', result: 42 },
  {
    name: 'feature-legacy-exceptions',
    probe: 'legacyExceptions',
    named: 'legacy exception handling (`legacy-exceptions`)',
    result: 42,
  },
  // The sum of 1..100000, modulo 2^32.
  { name: 'feature-tail-call', probe: 'tailCall', named: 'tail calls (`tail-call`)', result: 705082704 },
  { name: 'feature-multi-memory', probe: 'multiMemory', named: 'multiple memories (`multi-memory`)', result: 42 },
  { name: 'feature-memory64', probe: 'memory64', named: 'a 64-bit memory or table (`memory64`)', result: 42 },
];

/** Where a one-module guest's core module starts: after the component's header and the section's id and size. */
export function coreModuleStart(bytes) {
  if (bytes[8] !== 1) throw new Error('the first section is not a core module');
  let at = 9;
  while (bytes[at] & 0x80) at++;
  return at + 1;
}
