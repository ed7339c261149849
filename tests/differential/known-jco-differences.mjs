/**
 * The cases of the differential corpus (./corpus.mjs) where jco 1.35 gives another outcome than the
 * expected one, each with what jco does and why the expected outcome is right. For a listed case
 * Terrarium must give the expected outcome and jco must still differ from it: a listed case that
 * starts agreeing with jco fails the run (remove its id then), and an id that names no case fails
 * too (tests/node/differential.test.mjs), so the list stays true.
 *
 * Spec references are to the component-model repository (design/mvp/): CanonicalABI.md (the
 * canonical ABI, whose Python definitions are normative) and JS-Reference.md (the draft JS API:
 * how component values map to JS values and back).
 */
import { cases } from './corpus.mjs';

const ids = (component, fn) => cases.filter((c) => c.component === component && (!fn || c.fn === fn)).map((c) => c.id);

export const knownJcoDifferences = [
  {
    cases: ids('strings-latin1'),
    jco: 'cannot transpile the component: js-component-bindgen panics (function_bindgen.rs, ' +
      '`assertion failed: matches!(self.encoding, StringEncoding::UTF8 | StringEncoding::UTF16)`)',
    reason: '`string-encoding=latin1+utf16` is a canonical option of every lift and lower ' +
      '(CanonicalABI.md, store_string_to_latin1_or_utf16 and load_string_from_range); jco supports ' +
      'only utf8 and utf16.',
  },
  {
    cases: [
      'types:roundtrip.echoOptionOptionString#undefined',
      'nested:optDepth#undefined',
      'nested:optDepth#null',
      'nested:optDepth#none',
      'nested:echoOpt2#undefined',
      'nested:echoOpt3s#[undefined,none,some(none),some(some(7))]',
    ],
    jco: 'tags the outer option of option<option<T>> ({tag: "none"} | {tag: "some", val: T | undefined}), ' +
      'so `undefined` throws "Cannot read properties of undefined (reading \'tag\')" and {tag: "none"} ' +
      'means none, not some(none); option<option<option<T>>> is plain / tagged / plain',
    reason: 'JS-Reference.md, ToJSValue / ToComponentValue: a top-level option<T> is `undefined` or ' +
      'the value, and an option nested in another is a variant; Terrarium follows this (README ' +
      '"Values"). jco documents the opposite for two levels (docs/src/wit-type-representations.md: ' +
      'option<option<u32>> is {tag, val}) and does neither consistently for three. The same JS value ' +
      'can mean different options in the two hosts: {tag: "none"} is some(none) in Terrarium, none in ' +
      'jco (optDepth shows what the guest received).',
  },
  {
    cases: ['strings-utf16:codeUnit#lone surrogate "a\\ud800b", 1'],
    jco: 'copies a lone surrogate into UTF-16 guest memory as is (the guest receives 0xD800)',
    reason: 'A component string is a sequence of Unicode scalar values; JS-Reference.md, ' +
      'ToComponentValue(string): unpaired surrogates become U+FFFD (as for a WebIDL USVString), as ' +
      'jco itself does on the UTF-8 path (TextEncoder).',
  },
  {
    cases: ['strings-utf16:loneSurrogate#()', 'layout:invalidUtf8#()'],
    jco: 'decodes invalid UTF-16 / UTF-8 from the guest leniently, returning "a\\ufffdb"',
    reason: 'CanonicalABI.md, load_string_from_range: the bytes are decoded strictly and a decoding ' +
      'error traps.',
  },
  {
    cases: [
      'strings-utf16:oddPointer#()',
      'strings-utf16:outOfBounds#()',
      'layout:misalignedList#()',
      'bad-realloc:echoU32s#misaligned',
      'bad-realloc:echoString#out of bounds',
      'bad-realloc:echoBytes#out of bounds',
    ],
    jco: 'throws a TypeError ("list pointer [1] is not aligned to 4") or a RangeError from a typed-array ' +
      'constructor (reading the pointer as signed: "Start offset -4096 is outside the bounds") and ' +
      'leaves the instance usable',
    reason: 'CanonicalABI.md: load_string_from_range / load_list_from_range (a pointer the guest returns) ' +
      'and store_string_into_range / store_list_into_range (a pointer its realloc returns) ' +
      'trap_if(ptr != align_to(ptr, alignment)) and trap_if(ptr + byte_length > len(memory)): a trap, ' +
      'after which the instance is dead.',
  },
  {
    cases: ['layout:surrogateChar#()', 'layout:charPastMax#()', 'layout:enumPastEnd#()', 'layout:bigPastEnd#()'],
    jco: 'throws a TypeError ("not a valid char", "invalid discriminant") and leaves the instance usable',
    reason: 'CanonicalABI.md: convert_i32_to_char traps on a surrogate or a value past U+10FFFF; ' +
      'lift_flat_variant / load_variant trap on a case index past the last case.',
  },
  {
    cases: ['layout:wideU8#()', 'layout:wideS8#()', 'layout:wideU16#()', 'layout:boolTwo#()'],
    jco: 'throws a TypeError ("must be between 0 and 255", "invalid variant discriminant for bool")',
    reason: 'CanonicalABI.md, lift_flat_unsigned / lift_flat_signed: "When the target type is narrower ' +
      'than an i32, the Canonical ABI ignores the unused high bits" (0x1ff is 255 as a u8, 0x180 is ' +
      '-128 as an s8); convert_int_to_bool: any non-zero value is true.',
  },
  {
    cases: ['types:roundtrip.echoListU32#Float64Array'],
    jco: 'copies the bytes of any typed array: a Float64Array [1, 2] becomes the u32s [0, 1072693248]',
    reason: 'JS-Reference.md, ToComponentValueScalarList: only a typed array of the list\'s own class ' +
      'is copied directly; anything else, other typed arrays included, is converted element by element.',
  },
  {
    cases: ['imports:badU8#1'],
    jco: 'wraps the host\'s 256 to the u8 0 and goes on',
    reason: 'A value that does not fit its type is refused (README "Deliberately stricter than jco"; ' +
      'JS-Reference.md, ToComponentValueInteger throws outside the range). The guest is mid-call and ' +
      'cannot be told, so the instance is locked down and the error propagates (JS-Reference.md, ' +
      '"entered the guest").',
  },
];
