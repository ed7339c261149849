/**
 * Requests to a registry's OCI distribution API for one reference: a path under `/v2/REPO/` and
 * fetch options in, a `Response` out. A `401` with a `WWW-Authenticate: Bearer realm=…` challenge
 * is answered once with an anonymous token, then kept for the reference's later requests. A
 * failure to reach the registry, or an answer that is not a success, is a `TerrariumError` of kind
 * `load` that names the reference.
 */

import { TerrariumError } from '../errors.js';

/**
 * @param {import('./reference.js').OciReference} reference
 * @param {typeof fetch} fetchImpl
 */
export function registrySession(reference, fetchImpl = globalThis.fetch) {
  let authorization;

  const fail = (message, cause) =>
    new TerrariumError('load', `\`${reference.text}\`: ${message}`, { context: reference.text, cause });

  async function send(url, init) {
    const headers = new Headers(init.headers);
    if (authorization) headers.set('authorization', authorization);
    try {
      return await fetchImpl(url, { ...init, headers });
    } catch (error) {
      throw fail(`cannot reach ${new URL(url).origin}: ${error.cause?.code ?? error.message}`, error);
    }
  }

  async function anonymousToken({ realm, service, scope }) {
    let url;
    try {
      url = new URL(realm);
    } catch {
      throw fail(`the registry's token realm \`${realm}\` is not a URL`);
    }
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.set('scope', scope);
    const response = await send(url.href, {});
    const body = response.ok ? await response.json().catch(() => null) : null;
    const token = body?.token ?? body?.access_token;
    if (typeof token !== 'string') throw fail(`no anonymous token from ${url.origin} (http status ${response.status})`);
    return token;
  }

  return {
    /**
     * @param {string} path relative to `/v2/REPO/`, or an absolute URL the registry gave
     * @param {RequestInit} [init]
     * @param {{what: string, allow?: number[]}} expect `what` is named in the error; `allow`
     *   lists statuses besides 2xx the caller handles itself
     */
    async request(path, init = {}, { what, allow = [] }) {
      const url = new URL(path, reference.base).href;
      let response = await send(url, init);
      const challenge = response.status === 401 && !authorization ? bearerChallenge(response.headers.get('www-authenticate')) : null;
      if (challenge) {
        authorization = `Bearer ${await anonymousToken(challenge)}`;
        response = await send(url, init);
      }
      if (!response.ok && !allow.includes(response.status)) {
        throw fail(`${what}: http status ${response.status}${await errorCodes(response)}`);
      }
      return response;
    },
  };
}

/** The parameters of a `Bearer` challenge (`realm`, `service`, `scope`), or null for any other. */
function bearerChallenge(header) {
  const match = /^\s*Bearer\s+(.*)$/i.exec(header ?? '');
  if (!match) return null;
  const params = {};
  for (const [, key, value] of match[1].matchAll(/(\w+)="([^"]*)"/g)) params[key.toLowerCase()] = value;
  return params.realm ? params : null;
}

/** The registry's error codes (`MANIFEST_UNKNOWN`), when its body is the spec's error JSON. */
async function errorCodes(response) {
  const body = await response.json().catch(() => null);
  const codes = Array.isArray(body?.errors) ? body.errors.map((e) => e?.code).filter((c) => typeof c === 'string') : [];
  return codes.length ? ` (${codes.join(', ')})` : '';
}
