// wasi:sockets in a browser: a page cannot open raw TCP or UDP sockets or resolve names, so every
// operation fails with the spec's `not-supported` error code, at once and without a crash or a hang.
// The resource classes exist (with every method of the 0.2 WIT) only so that components importing
// them link; no socket can be created, so their methods are never reached. wasi:sockets@0.3 is
// refused the same way (p3/sockets.js).

import { createSocketsP3 } from './p3/sockets.js';

/** Thrown as the `err` of every `result<_, error-code>` in wasi:sockets. */
const NOT_SUPPORTED = 'not-supported';

function notSupported() {
  throw NOT_SUPPORTED;
}

/** A class whose listed methods all fail with `not-supported`. */
function unsupportedResource(name, methods) {
  const Class = { [name]: class {} }[name];
  for (const method of methods) {
    Object.defineProperty(Class.prototype, method, { value: notSupported, writable: true, configurable: true });
  }
  return Class;
}

const TcpSocket = unsupportedResource('TcpSocket', [
  'startBind', 'finishBind', 'startConnect', 'finishConnect', 'startListen', 'finishListen', 'accept',
  'localAddress', 'remoteAddress', 'isListening', 'addressFamily', 'setListenBacklogSize',
  'keepAliveEnabled', 'setKeepAliveEnabled', 'keepAliveIdleTime', 'setKeepAliveIdleTime',
  'keepAliveInterval', 'setKeepAliveInterval', 'keepAliveCount', 'setKeepAliveCount', 'hopLimit',
  'setHopLimit', 'receiveBufferSize', 'setReceiveBufferSize', 'sendBufferSize', 'setSendBufferSize',
  'subscribe', 'shutdown',
]);
const UdpSocket = unsupportedResource('UdpSocket', [
  'startBind', 'finishBind', 'stream', 'localAddress', 'remoteAddress', 'addressFamily', 'unicastHopLimit',
  'setUnicastHopLimit', 'receiveBufferSize', 'setReceiveBufferSize', 'sendBufferSize', 'setSendBufferSize',
  'subscribe',
]);
const IncomingDatagramStream = unsupportedResource('IncomingDatagramStream', ['receive', 'subscribe']);
const OutgoingDatagramStream = unsupportedResource('OutgoingDatagramStream', ['checkSend', 'send', 'subscribe']);
const ResolveAddressStream = unsupportedResource('ResolveAddressStream', ['resolveNextAddress', 'subscribe']);

/** The one network a guest can ask for; holding it grants nothing here. */
class Network {}

export function createSockets() {
  const network = new Network();
  return {
    'wasi:sockets/network': { Network },
    'wasi:sockets/instance-network': { instanceNetwork: () => network },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': { createTcpSocket: notSupported },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': { createUdpSocket: notSupported },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses: notSupported },
  };
}

/** @type {import('./compose.js').WasiPackage} */
export const socketsPackage = () => ({ interfaces: { ...createSockets(), ...createSocketsP3() } });
