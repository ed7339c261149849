import { TerrariumError } from './errors.js';

/**
 * host-core's refusal, the JSON of a `Refusal` (plan.d.ts), as a `TerrariumError`, with the offset
 * in the message too. Anything else host-core's wasm threw is rethrown as it is.
 * @param {unknown} refusal
 */
export function fromCoreError(refusal) {
  if (typeof refusal !== 'string') throw refusal;
  /** @type {import('./plan.js').Refusal} */
  const { kind, message, offset } = JSON.parse(refusal);
  const where = offset == null ? '' : ` (at offset 0x${offset.toString(16)})`;
  return new TerrariumError(kind, `${message}${where}`, { offset: offset ?? undefined });
}
