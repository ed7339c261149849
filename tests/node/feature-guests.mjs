// The engine-feature guests (host-core/tests/fixtures/feature-*.wat, built into
// dist/components/fixtures/), shared by the Node and Chromium tests: the `features` probe each
// needs, how a refusal names its feature, whether its sections show it (so that `load` refuses it
// before compiling; else only its code does, read after the compiler refused it), and what its
// `compute` returns.

export const featureGuests = [
  { name: 'feature-gc', probe: 'gc', named: 'WasmGC (`gc`)', inSections: true, result: 45 },
  {
    name: 'feature-exceptions',
    probe: 'exceptions',
    named: 'exception handling (`exceptions`)',
    inSections: false,
    result: 42,
  },
  {
    name: 'feature-legacy-exceptions',
    probe: 'legacyExceptions',
    named: 'legacy exception handling (`legacy-exceptions`)',
    inSections: false,
    result: 42,
  },
  // The sum of 1..100000, modulo 2^32.
  { name: 'feature-tail-call', probe: 'tailCall', named: 'tail calls (`tail-call`)', inSections: false, result: 705082704 },
  {
    name: 'feature-multi-memory',
    probe: 'multiMemory',
    named: 'multiple memories (`multi-memory`)',
    inSections: true,
    result: 42,
  },
  {
    name: 'feature-memory64',
    probe: 'memory64',
    named: 'a 64-bit memory or table (`memory64`)',
    inSections: true,
    result: 42,
  },
];

/** Where a one-module guest's core module starts: after the component's header and the section's id and size. */
export function coreModuleStart(bytes) {
  if (bytes[8] !== 1) throw new Error('the first section is not a core module');
  let at = 9;
  while (bytes[at] & 0x80) at++;
  return at + 1;
}
