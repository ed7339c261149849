/**
 * `error-context` values (CanonicalABI.md, "`canon error-context.new`" and the two after it): the
 * three built-ins, and the handles that lift and lower the type.
 *
 * The JS `ErrorContext` (errors.js) is the spec's `ErrorContext` itself: each component instance's
 * table (the one of its waitables, as in the spec) holds it under as many handles as were made for
 * it, each dropped on its own. Lifting one reads its handle and leaves it in place (the spec's
 * `lift_error_context`); lowering one adds a new handle (`lower_error_context`), so one passed from
 * a component to another, or to JS and back, is the same value under a handle of each.
 */
import { ErrorContext, trap } from '../../errors.js';
import { invalid } from '../../abi/invalid.js';

/**
 * How the ABI lifts and lowers `error-context` in the component instance whose table is `table`:
 * `lift(handle)` the value, `lower(value)` a new handle. JS may lower any `Error`: a new context
 * whose debug message is the error's message.
 * @param {import('./waitables.js').AsyncTable} table
 */
export function errorContextHandles(table) {
  return {
    lift: (i) => get(table, i, ''),
    lower(v) {
      if (v instanceof ErrorContext) return table.add(v);
      if (v instanceof Error) return table.add(new ErrorContext(String(v.message)));
      return invalid('an Error (error-context)', v);
    },
  };
}

/**
 * The core function of an `error-context.*` built-in step.
 * @param {import('../../plan.js').BuiltinStep} step
 * @param {() => void} caller checks that the guest may call a built-in now (the spec's `may_leave`)
 * @param {import('./waitables.js').AsyncTable} table the step's component instance's table
 * @param {(options: import('../../plan.js').Options) => import('../../abi/context.js').AbiContext} contextFor
 */
export function errorContextBuiltin(step, caller, table, contextFor) {
  switch (step.name) {
    case 'error-context.new': {
      const cx = contextFor(step.options);
      const loadString = cx.loadString();
      // The spec may drop the message (an empty one is as valid); Terrarium keeps it, as Wasmtime does.
      return (ptr, taggedCodeUnits) => {
        caller();
        cx.mem.sync();
        return table.add(new ErrorContext(loadString(ptr >>> 0, taggedCodeUnits >>> 0)));
      };
    }
    case 'error-context.debug-message': {
      const cx = contextFor(step.options);
      const storeString = cx.storeString();
      return (i, ptr) => {
        caller();
        const { debugMessage } = get(table, i, '`error-context.debug-message`: ');
        const [begin, taggedCodeUnits] = storeString(debugMessage);
        const mem = cx.mem;
        mem.sync();
        mem.check(ptr >>> 0, 8, 1);
        mem.dv.setUint32(ptr >>> 0, begin, true);
        mem.dv.setUint32((ptr >>> 0) + 4, taggedCodeUnits, true);
      };
    }
    case 'error-context.drop':
      return (i) => {
        caller();
        get(table, i, '`error-context.drop`: ');
        table.remove(i >>> 0, 'error-context');
      };
    default:
      return null;
  }
}

/** The error context at handle `i`, or a trap whose message starts with `where` it was used. */
function get(table, i, where) {
  const e = table.get(i >>> 0, `${where}error-context`);
  if (!(e instanceof ErrorContext)) trap(`${where}${i >>> 0} is not an error-context handle`);
  return e;
}
