/**
 * wasi:sockets@0.3 in a browser: a page cannot open raw TCP or UDP sockets or resolve names, so
 * every call is refused as a denied capability, `access-denied` (the error the 0.3 WIT gives when
 * "access denied"; 0.2's sockets.js answers `not-supported`, which 0.3's `create` no longer
 * promises). No socket can be made, so the methods are there only so that guests link.
 */

/** The `err` of every `result<_, error-code>` of wasi:sockets@0.3 (both its error-code variants). */
function accessDenied() {
  throw { tag: 'access-denied' };
}

/** A class whose static `create` and listed methods all refuse. */
function refusedResource(name, methods) {
  const Class = { [name]: class {} }[name];
  Class.create = accessDenied;
  for (const method of methods) {
    Object.defineProperty(Class.prototype, method, { value: accessDenied, writable: true, configurable: true });
  }
  return Class;
}

const BUFFERS = ['getReceiveBufferSize', 'setReceiveBufferSize', 'getSendBufferSize', 'setSendBufferSize'];

const TcpSocket = refusedResource('TcpSocket', [
  'bind', 'connect', 'listen', 'send', 'receive', 'getLocalAddress', 'getRemoteAddress', 'getIsListening',
  'getAddressFamily', 'setListenBacklogSize', 'getKeepAliveEnabled', 'setKeepAliveEnabled',
  'getKeepAliveIdleTime', 'setKeepAliveIdleTime', 'getKeepAliveInterval', 'setKeepAliveInterval',
  'getKeepAliveCount', 'setKeepAliveCount', 'getHopLimit', 'setHopLimit', ...BUFFERS,
]);
const UdpSocket = refusedResource('UdpSocket', [
  'bind', 'connect', 'disconnect', 'send', 'receive', 'getLocalAddress', 'getRemoteAddress', 'getAddressFamily',
  'getUnicastHopLimit', 'setUnicastHopLimit', ...BUFFERS,
]);

export function createSocketsP3() {
  return {
    'wasi:sockets/types@0.3': { TcpSocket, UdpSocket },
    'wasi:sockets/ip-name-lookup@0.3': { resolveAddresses: accessDenied },
  };
}
