// Core modules that need an engine feature (WasmGC, exceptions in both forms, tail calls,
// multi-memory, memory64): each guest runs where this engine has its feature, and is refused by
// `load` with an `unsupported` error naming it where the engine does not (never a bare
// CompileError): before compiling when its sections show the feature, else after the compiler
// refused it (the compiler's error is then the cause). Node 20 refuses both ways.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { features, load, TerrariumError } from '../../js/index.js';
import { coreModuleStart, featureGuests } from './feature-guests.mjs';
import { guestBytes } from './support.mjs';

test("the probes give Node 20's engine (V8 11.3): tail calls and legacy exceptions, none of the others", () => {
  assert.equal(process.versions.node.split('.')[0], '20', 'these are the results of Node 20: update them');
  const probed = Object.fromEntries(featureGuests.map(({ probe }) => [probe, features[probe]]));
  assert.deepEqual(probed, {
    gc: false,
    exceptions: false,
    legacyExceptions: true,
    tailCall: true,
    multiMemory: false,
    memory64: false,
  });
});

for (const guest of featureGuests) {
  test(`${guest.name}: runs where \`features.${guest.probe}\`, else is refused naming the feature`, async () => {
    const bytes = await guestBytes(`fixtures/${guest.name}`);
    for (const validate of [true, false]) {
      if (features[guest.probe]) {
        const { exports } = await (await load(bytes, { validate })).instantiate({});
        assert.equal(exports.compute(), guest.result);
        continue;
      }
      const error = await load(bytes, { validate }).then(
        () => assert.fail('expected a refusal'),
        (e) => e,
      );
      assert.ok(error instanceof TerrariumError, `not a TerrariumError: ${error}`);
      const start = coreModuleStart(bytes);
      assert.equal(error.kind, 'unsupported');
      assert.equal(error.offset, start);
      assert.equal(
        error.message,
        `core module 0 uses ${guest.named}, which this engine does not support (at offset 0x${start.toString(16)})`,
      );
      assert.equal(error.cause instanceof WebAssembly.CompileError, !guest.inSections, `cause: ${error.cause}`);
    }
  });
}
