// Host directories (host-dir.js): a guest path in, resolved under a directory descriptor's host
// folder out, without ever leaving that folder, as wasmtime's cap-std sandbox resolves it (and as
// polyfill-wasi/src/fs/path.rs does for the in-memory filesystem, whose answers these match).
//
// Each component is looked at with lstat before the next is used, and symbolic links are read and
// followed here, never by the OS: an absolute path, a `..` above the descriptor's folder (even one
// that would come back down), or a link whose target is absolute or climbs above it is
// `not-permitted`. So the host path handed to node:fs has no symbolic link in it but possibly the
// last component, which callers treat as the entry itself (lstat, O_NOFOLLOW, unlink, rename).
// This trusts the folder not to be rearranged by another process during a call (wasmtime holds
// directory handles for that; node:fs has no openat).

import { os } from './host-errors.js';

/** Symbolic links followed in one resolution before `loop` (Linux's limit). */
const MAX_SYMLINKS = 40;
/** Longest path and link target (Linux's PATH_MAX counts the NUL), and longest name, in bytes. */
export const MAX_PATH_LEN = 4095;
const MAX_NAME_LEN = 255;

const utf8Length = (text) => new TextEncoder().encode(text).length;
const components = (path) => path.split('/').filter((c) => c !== '');

/** Whether the last component of `path` must be a directory (and is followed if a link). */
export const endsWithSlash = (path) => path.endsWith('/');

/** The lstat of `hostPath` (bigint times), or null if nothing is there. */
export function lstat(fs, hostPath) {
  return os(() => fs.lstatSync(hostPath, { bigint: true, throwIfNoEntry: false })) ?? null;
}

/**
 * @typedef {object} Walk where a path led
 * @property {string} parent host path of the directory holding the last component (for `.` and
 *   `..`, of the directory they name)
 * @property {string|null} name the last component; null for `.`/`..`
 * @property {boolean} dotdot the path ended in `..`
 * @property {import('node:fs').BigIntStats|null} stat the lstat of the last component, null if missing
 * @property {boolean} trailingSlash
 */

/**
 * Resolves guest `path` from directory `base` (a host path with no link in it) without leaving
 * it. The last component is not followed unless it is a symbolic link and `followLast` is set.
 * @returns {Walk}
 */
export function walk(fs, base, path, followLast) {
  if (path === '') throw 'no-entry';
  if (path.includes('\0')) throw 'invalid';
  if (utf8Length(path) > MAX_PATH_LEN) throw 'name-too-long';
  if (path.startsWith('/')) throw 'not-permitted';
  const queue = components(path);
  let trailingSlash = endsWithSlash(path);
  // The directories from `base` down to the current one: `..` pops, and may not pop `base`.
  const stack = [base];
  let followed = 0;
  const dot = (dotdot) => ({ parent: stack.at(-1), name: null, dotdot, stat: null, trailingSlash });
  for (;;) {
    const current = stack.at(-1);
    // Nothing left: a path of `.` only, or a followed link whose target was only `/`s.
    if (queue.length === 0) return dot(false);
    const component = queue.shift();
    const isLast = queue.length === 0;
    if (component === '.') {
      if (isLast) return dot(false);
      continue;
    }
    if (component === '..') {
      if (stack.length === 1) throw 'not-permitted';
      stack.pop();
      if (isLast) return dot(true);
      continue;
    }
    if (utf8Length(component) > MAX_NAME_LEN) throw 'name-too-long';
    const hostPath = `${current}/${component}`;
    const child = lstat(fs, hostPath);
    const isLink = child?.isSymbolicLink() ?? false;
    if (isLast && !(isLink && followLast)) return { parent: current, name: component, dotdot: false, stat: child, trailingSlash };
    if (child === null) throw 'no-entry';
    if (child.isDirectory()) {
      stack.push(hostPath);
      continue;
    }
    if (!isLink) throw 'not-directory';
    if (++followed > MAX_SYMLINKS) throw 'loop';
    const target = os(() => fs.readlinkSync(hostPath));
    if (target === '') throw 'no-entry';
    if (target.startsWith('/')) throw 'not-permitted';
    if (isLast) trailingSlash ||= endsWithSlash(target);
    queue.unshift(...components(target));
    if (queue.length === 0) queue.push('.');
  }
}

/** The host path a walk names (its directory for `.` and `..`). */
export const walkedPath = (w) => (w.name === null ? w.parent : `${w.parent}/${w.name}`);

/**
 * `{ hostPath, stat }` of the existing thing a walk names: `no-entry` if missing, `not-directory`
 * if the path ended with `/` and it is not a directory.
 */
export function existing(fs, w) {
  const hostPath = walkedPath(w);
  if (w.name === null) return { hostPath, stat: lstat(fs, hostPath) ?? missing() };
  if (w.stat === null) throw 'no-entry';
  if (w.trailingSlash && !w.stat.isDirectory()) throw 'not-directory';
  return { hostPath, stat: w.stat };
}

function missing() {
  throw 'no-entry';
}

/** Checks a new link's target as Linux's symlinkat does: empty, NUL, too long. */
export function checkSymlinkTarget(target) {
  if (target === '') throw 'no-entry';
  if (target.includes('\0')) throw 'invalid';
  if (utf8Length(target) > MAX_PATH_LEN) throw 'name-too-long';
}
