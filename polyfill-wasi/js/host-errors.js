// Host directories (host-dir.js): a node:fs failure in, the WASI `error-code` it means out, as
// wasmtime maps the OS's errno on Linux. Takes the fs module from its caller: no Node import here.

/** Node's `error.code` (an errno name) → the WIT `error-code` case. */
const ERRNO_CODES = new Map([
  ['EACCES', 'access'],
  ['EAGAIN', 'would-block'],
  ['EALREADY', 'already'],
  ['EBADF', 'bad-descriptor'],
  ['EBUSY', 'busy'],
  ['EDEADLK', 'deadlock'],
  ['EDQUOT', 'quota'],
  ['EEXIST', 'exist'],
  ['EFBIG', 'file-too-large'],
  ['EILSEQ', 'illegal-byte-sequence'],
  ['EINPROGRESS', 'in-progress'],
  ['EINTR', 'interrupted'],
  ['EINVAL', 'invalid'],
  ['EIO', 'io'],
  ['EISDIR', 'is-directory'],
  ['ELOOP', 'loop'],
  ['EMLINK', 'too-many-links'],
  ['EMSGSIZE', 'message-size'],
  ['ENAMETOOLONG', 'name-too-long'],
  ['ENODEV', 'no-device'],
  ['ENOENT', 'no-entry'],
  ['ENOLCK', 'no-lock'],
  ['ENOMEM', 'insufficient-memory'],
  ['ENOSPC', 'insufficient-space'],
  ['ENOTDIR', 'not-directory'],
  ['ENOTEMPTY', 'not-empty'],
  ['ENOTRECOVERABLE', 'not-recoverable'],
  ['ENOTSUP', 'unsupported'],
  ['EOPNOTSUPP', 'unsupported'],
  ['ENOTTY', 'no-tty'],
  ['ENXIO', 'no-such-device'],
  ['EOVERFLOW', 'overflow'],
  ['EPERM', 'not-permitted'],
  ['EPIPE', 'pipe'],
  ['EROFS', 'read-only'],
  ['ESPIPE', 'invalid-seek'],
  ['ETXTBSY', 'text-file-busy'],
  ['EXDEV', 'cross-device'],
]);

/**
 * The error code for what a node:fs call threw: its errno's case, `io` for an errno wasmtime
 * has no case for. Anything that is not an OS error (a bug here) is thrown on as it is.
 */
export function errorCode(thrown) {
  const errno = thrown?.code;
  if (typeof errno !== 'string' || !(thrown instanceof Error) || typeof thrown.syscall !== 'string') throw thrown;
  return ERRNO_CODES.get(errno) ?? 'io';
}

/** Runs `fn`, throwing an OS failure as its error code (as the Rust filesystem throws them). */
export function os(fn) {
  try {
    return fn();
  } catch (thrown) {
    throw errorCode(thrown);
  }
}
