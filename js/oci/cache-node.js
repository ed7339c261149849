/**
 * Node's cache of registry content: a digest in, the bytes stored under it out (or null). Kept in
 * `$XDG_CACHE_HOME/terrarium/oci/sha256/<hex>` (`~/.cache/…` without XDG_CACHE_HOME), each file
 * written whole under a temporary name and then renamed, so a reader never sees half a blob. The
 * caller checks the digest of what it reads; a cache that cannot be written costs only a refetch.
 */

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** The folder, read when used, so a change of XDG_CACHE_HOME (a test's own folder) applies. */
function folder() {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'terrarium', 'oci', 'sha256');
}

const fileOf = (digest) => path.join(folder(), digest.slice('sha256:'.length));

export const blobCache = {
  /** @param {string} digest @returns {Promise<Uint8Array|null>} */
  async read(digest) {
    try {
      return new Uint8Array(await readFile(fileOf(digest)));
    } catch {
      return null;
    }
  },

  /** @param {string} digest @param {Uint8Array} bytes */
  async write(digest, bytes) {
    const file = fileOf(digest);
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temporary, bytes);
      await rename(temporary, file);
    } catch {
      // A read-only or full disk: the component still loads, it is fetched again next time.
      await rm(temporary, { force: true }).catch(() => {});
    }
  },
};
