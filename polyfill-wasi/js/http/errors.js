// wasi:http error codes: the spec's `error-code` of a failed fetch, and the IoErrors HTTP streams report.

import { isNode } from '#platform';
import { IoError } from '../io.js';

export const headerError = (tag) => ({ tag });
export const errorCode = (tag, val) => (val === undefined ? { tag } : { tag, val });
export const internal = (message) => errorCode('internal-error', message);

/**
 * The spec's `error-code` for a failed fetch (or body read). `why` is the timeout that aborted
 * it, if one did. Node's fetch says why in `cause.code`; a browser never says (a refused
 * connection, a DNS failure, a CORS refusal and a TLS failure all look the same), so there the
 * answer is `destination-unavailable`.
 */
export function fetchErrorCode(error, why, { body = false } = {}) {
  if (why !== null) return errorCode(why);
  const code = error?.cause?.code ?? error?.code;
  const message = error?.cause?.message ?? error?.message ?? String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return errorCode('connection-refused');
    case 'ENOTFOUND':
      return errorCode('DNS-error', { rcode: 'NXDOMAIN', infoCode: undefined });
    case 'EAI_AGAIN':
      return errorCode('DNS-timeout');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return errorCode(body ? 'HTTP-response-incomplete' : 'connection-terminated');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return errorCode('connection-timeout');
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return errorCode('connection-read-timeout');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return errorCode('destination-IP-unroutable');
    case 'UND_ERR_HEADERS_OVERFLOW':
      return errorCode('HTTP-response-header-section-size', undefined);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return errorCode('HTTP-response-incomplete');
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return errorCode('HTTP-request-body-size', undefined);
    case 'UND_ERR_INVALID_ARG':
      return internal(message);
    default:
      break;
  }
  if (typeof code === 'string' && (code.startsWith('CERT_') || code.includes('CERT') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')) {
    return errorCode('TLS-certificate-error');
  }
  if (typeof code === 'string' && (code.startsWith('ERR_SSL') || code === 'EPROTO')) return errorCode('TLS-protocol-error');
  if (/bad port/i.test(message)) return errorCode('HTTP-request-denied');
  if (body) return errorCode('HTTP-response-incomplete');
  if (error instanceof TypeError) return errorCode(isNode ? 'connection-refused' : 'destination-unavailable');
  return internal(message);
}
/** The error code behind each IoError an HTTP stream reported (for `http-error-code`). */
export const ioErrorCodes = new WeakMap();

export function ioError(code, message) {
  const error = new IoError(`wasi:http: ${message ?? code.tag}`);
  ioErrorCodes.set(error, code);
  return error;
}
