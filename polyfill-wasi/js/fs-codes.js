// wasi:filesystem's enums and flags as numbers: the WIT order of `descriptor-type`, and the bits
// of `descriptor-flags`, `open-flags` and `path-flags`, as both filesystem backends take them
// (the Rust one in polyfill-wasi/src/fs, and host-dir.js).

/** `descriptor-type` cases; a type's index is its number. */
export const DESCRIPTOR_TYPES = [
  'unknown',
  'block-device',
  'character-device',
  'directory',
  'fifo',
  'symbolic-link',
  'regular-file',
  'socket',
];

export const DESCRIPTOR_FLAGS = [
  ['read', 1],
  ['write', 2],
  ['fileIntegritySync', 4],
  ['dataIntegritySync', 8],
  ['requestedWriteSync', 16],
  ['mutateDirectory', 32],
];

export const OPEN_FLAGS = [
  ['create', 1],
  ['directory', 2],
  ['exclusive', 4],
  ['truncate', 8],
];

/** `path-flags.symlink-follow`, its only bit. */
export const SYMLINK_FOLLOW = 1;

/** The bit of flag `name` in `table`. */
export const bit = (table, name) => table.find(([n]) => n === name)[1];
