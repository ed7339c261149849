/**
 * `map<K, V>`: a JS `Map`, stored as the spec stores it, a `list<tuple<K, V>>` of its entries in
 * iteration order. A map lifted from the guest keeps the last of repeated keys, as `new Map` does.
 */
import { invalid } from './invalid.js';

/** The map's entries as the `[key, value]` arrays its entry tuple lowers. */
export function mapEntries(v) {
  if (!(v instanceof Map)) invalid('a Map', v);
  return Array.from(v);
}
