/**
 * The canonical ABI of each type kind: a composite kind's four builders (`liftFlat`, `lowerFlat`,
 * `load`, `store`; see lift-flat.js), a scalar's value conversions (`scalar`, scalars.js); and
 * of each string encoding (strings.js), a kind of string. An AbiContext reaches this code only
 * through the table of kinds it is given: `load()` gives every kind (`ALL_KINDS`), and
 * ahead-of-time output imports only the kinds its plan has (`kindExport` names each), so that a
 * bundler leaves the others out.
 */
import * as S from './scalars.js';
import * as F from './lift-flat.js';
import * as L from './lower-flat.js';
import * as M from './load.js';
import * as T from './store.js';
import * as X from './fixed-lists.js';
import * as E from './strings.js';

/** The builders of every scalar kind, which reach its conversions through `cx.scalar(t)`. */
export const SCALAR_BUILDERS = { liftFlat: F.liftFlatScalar, lowerFlat: L.lowerFlatScalar, load: M.loadScalar, store: T.storeScalar };
const variant = { liftFlat: F.liftFlatVariant, lowerFlat: L.lowerFlatVariant, load: M.loadVariant, store: T.storeVariant };
const channel = { liftFlat: F.liftFlatChannel, lowerFlat: L.lowerFlatChannel, load: M.loadChannel, store: T.storeChannel };

export const kindBool = { scalar: S.boolScalar };
export const kindS8 = { scalar: S.s8Scalar };
export const kindU8 = { scalar: S.u8Scalar };
export const kindS16 = { scalar: S.s16Scalar };
export const kindU16 = { scalar: S.u16Scalar };
export const kindS32 = { scalar: S.s32Scalar };
export const kindU32 = { scalar: S.u32Scalar };
export const kindS64 = { scalar: S.s64Scalar };
export const kindU64 = { scalar: S.u64Scalar };
export const kindF32 = { scalar: S.f32Scalar };
export const kindF64 = { scalar: S.f64Scalar };
export const kindChar = { scalar: S.charScalar };
export const kindString = { liftFlat: F.liftFlatString, lowerFlat: L.lowerFlatString, load: M.loadString, store: T.storeString };
export const kindList = { liftFlat: F.liftFlatList, lowerFlat: L.lowerFlatList, load: M.loadList, store: T.storeList };
export const kindFixedList = { liftFlat: X.buildLiftFlatFixed, lowerFlat: X.buildLowerFlatFixed, load: X.buildLoadFixed, store: X.buildStoreFixed };
export const kindMap = { liftFlat: F.liftFlatMap, lowerFlat: L.lowerFlatMap, load: M.loadMap, store: T.storeMap };
export const kindRecord = { liftFlat: F.liftFlatRecord, lowerFlat: L.lowerFlatRecord, load: M.loadRecord, store: T.storeRecord };
export const kindTuple = { liftFlat: F.liftFlatTuple, lowerFlat: L.lowerFlatTuple, load: M.loadTuple, store: T.storeTuple };
export const kindVariant = variant;
export const kindOption = variant;
export const kindResult = variant;
export const kindEnum = { liftFlat: F.liftFlatEnum, lowerFlat: L.lowerFlatEnum, load: M.loadEnum, store: T.storeEnum };
export const kindFlags = { liftFlat: F.liftFlatFlags, lowerFlat: L.lowerFlatFlags, load: M.loadFlags, store: T.storeFlags };
export const kindOwn = { liftFlat: F.liftFlatOwn, lowerFlat: L.lowerFlatOwn, load: M.loadOwn, store: T.storeOwn };
export const kindBorrow = { liftFlat: F.liftFlatBorrow, lowerFlat: L.lowerFlatBorrow, load: M.loadBorrow, store: T.storeBorrow };
export const kindErrorContext = {
  liftFlat: F.liftFlatErrorContext,
  lowerFlat: L.lowerFlatErrorContext,
  load: M.loadErrorContext,
  store: T.storeErrorContext,
};
export const kindStream = channel;
export const kindFuture = channel;
export const kindUtf8 = E.utf8Strings;
export const kindUtf16 = E.utf16Strings;
export const kindLatin1Utf16 = E.latin1Utf16Strings;

/**
 * A scalar kind's conversions, a composite kind's builders, or a string encoding's builders.
 * @typedef {{scalar: typeof S.u32Scalar} | {liftFlat: Function, lowerFlat: Function, load: Function, store: Function}
 *   | typeof E.utf8Strings} KindCodec
 */

/** The export of this module that holds a kind's codec: `kindFixedList` for `fixed-list`, `kindLatin1Utf16` for `latin1+utf16`. */
export const kindExport = (kind) => `kind${kind.replace(/(?:^|[-+])(.)/g, (_, c) => c.toUpperCase())}`;

/** @type {Record<string, KindCodec>} every kind of type and every string encoding, by its name in the plan */
export const ALL_KINDS = {
  bool: kindBool,
  s8: kindS8,
  u8: kindU8,
  s16: kindS16,
  u16: kindU16,
  s32: kindS32,
  u32: kindU32,
  s64: kindS64,
  u64: kindU64,
  f32: kindF32,
  f64: kindF64,
  char: kindChar,
  string: kindString,
  list: kindList,
  'fixed-list': kindFixedList,
  map: kindMap,
  record: kindRecord,
  tuple: kindTuple,
  variant: kindVariant,
  option: kindOption,
  result: kindResult,
  enum: kindEnum,
  flags: kindFlags,
  own: kindOwn,
  borrow: kindBorrow,
  'error-context': kindErrorContext,
  stream: kindStream,
  future: kindFuture,
  utf8: kindUtf8,
  utf16: kindUtf16,
  'latin1+utf16': kindLatin1Utf16,
};
