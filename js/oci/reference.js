/**
 * `oci://HOST[:PORT]/REPO:TAG` or `oci://HOST[:PORT]/REPO@sha256:HEX` in, its parts out: the
 * registry's base URL, the repository and the tag or manifest digest. A malformed reference is the
 * caller's mistake, so a `TypeError`.
 */

// The grammar of the OCI distribution spec: lowercase path components joined by `.`, `_`, `__`
// or dashes; a tag of at most 128 word characters, dots and dashes, not starting with either.
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/** Hosts served over plain HTTP, as registry clients do for a registry on this machine. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * @typedef {{text: string, host: string, base: string, repository: string, tag?: string, digest?: string}} OciReference
 * `base` is `http(s)://HOST[:PORT]/v2/REPO/`, under which `manifests/…` and `blobs/…` are.
 */

/** Whether `source` names a component in a registry (then `parseReference` must accept it). */
export function isOciReference(source) {
  return (typeof source === 'string' && source.startsWith('oci://')) || (source instanceof URL && source.protocol === 'oci:');
}

/**
 * @param {string|URL} source
 * @param {{requireTag?: boolean}} [options] `requireTag`: a push names the tag it writes
 * @returns {OciReference}
 */
export function parseReference(source, { requireTag = false } = {}) {
  const text = String(source);
  const refuse = (why) => {
    throw new TypeError(`\`${text}\` is not an OCI reference (oci://HOST[:PORT]/REPO:TAG or @sha256:…): ${why}`);
  };
  const rest = text.slice('oci://'.length);
  const slash = rest.indexOf('/');
  if (!text.startsWith('oci://') || slash <= 0) refuse('no registry host');
  const host = rest.slice(0, slash);
  if (!HOST.test(host)) refuse(`bad host \`${host}\``);
  let path = rest.slice(slash + 1);
  let digest;
  let tag;
  const at = path.indexOf('@');
  if (at >= 0) {
    digest = path.slice(at + 1);
    path = path.slice(0, at);
    if (!DIGEST.test(digest)) refuse(`bad digest \`${digest}\` (sha256: and 64 lowercase hex digits)`);
  }
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) refuse(`bad tag \`${tag}\``);
  }
  if (!REPOSITORY.test(path)) refuse(`bad repository \`${path}\` (lowercase letters, digits, separators)`);
  if (tag === undefined && digest === undefined) refuse('no tag or digest');
  if (requireTag && (tag === undefined || digest !== undefined)) refuse('a push names a tag and no digest');
  const hostname = host.replace(/:\d+$/, '');
  const scheme = LOCAL_HOSTS.has(hostname) ? 'http' : 'https';
  return { text, host, base: `${scheme}://${host}/v2/${path}/`, repository: path, tag, digest };
}
