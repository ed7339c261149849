// wasi:http responses, incoming and outgoing, their bodies and trailers (serving.js has the
// serving side: incoming-request and response-outparam).

import { GuestTrap } from '../../../js/errors.js';
import { InputStream, Pollable, dispose } from '../io.js';
import { Fields } from './fields.js';
import { OutgoingBody } from './requests.js';

export class FutureIncomingResponse {
  #state = 'pending';
  #value = undefined;
  #promise;
  #waiter;
  #what;

  #abort;

  /**
   * Host-only: `promise` settles with `{ok: IncomingResponse}` or `{err: error-code}`, never
   * rejects; `abort()` gives the request up.
   */
  constructor(promise, waiter, what, abort = () => {}) {
    this.#waiter = waiter;
    this.#what = what;
    this.#abort = abort;
    this.#promise = promise.then((v) => {
      this.#state = 'ready';
      this.#value = v;
    });
  }

  subscribe() {
    return new Pollable(
      { what: this.#what, ready: () => this.#state !== 'pending', whenReady: () => this.#promise },
      this.#waiter,
    );
  }

  get() {
    if (this.#state === 'pending') return undefined;
    if (this.#state === 'taken') return { tag: 'err', val: undefined };
    this.#state = 'taken';
    const v = this.#value;
    return { tag: 'ok', val: 'ok' in v ? { tag: 'ok', val: v.ok } : { tag: 'err', val: v.err } };
  }

  /** Dropped before the response was taken: the request is given up (its body, if any, too). */
  [dispose]() {
    if (this.#state === 'pending') this.#abort();
    else if (this.#state === 'ready' && 'ok' in this.#value) this.#value.ok[dispose]();
    this.#state = 'taken';
  }
}

/**
 * What an incoming-request and an incoming-response share: immutable headers and a body taken
 * once (`consume`), the download given up when dropped before that.
 */
export class IncomingMessage {
  #headers;
  #body;
  #consumed = false;

  /** Host-only: `headers` as fields entries, `body` an IncomingBody. */
  constructor(headers, body) {
    this.#headers = headers;
    this.#body = body;
  }

  headers() {
    return Fields.of(this.#headers, true);
  }

  consume() {
    if (this.#consumed) throw undefined;
    this.#consumed = true;
    return this.#body;
  }

  [dispose]() {
    if (!this.#consumed) this.#body.cancel();
  }
}

export class IncomingResponse extends IncomingMessage {
  #status;

  /** Host-only. */
  constructor(status, headers, body) {
    super(headers, body);
    this.#status = status;
  }

  status() {
    return this.#status;
  }
}

export class IncomingBody {
  #source;
  #stream = null;
  #taken = false;
  #cancel;

  /** Host-only: `source` is an InputStream source; `cancel()` stops the download. */
  constructor(source, cancel) {
    this.#source = source;
    this.#cancel = cancel;
  }

  stream() {
    if (this.#taken) throw undefined;
    this.#taken = true;
    this.#stream = new InputStream({
      read: (n) => this.#source.read(n),
      condition: this.#source.condition,
      waiter: this.#source.waiter,
    });
    return this.#stream;
  }

  /** Host-only. */
  cancel() {
    this.#cancel();
  }

  static finish(body) {
    if (body.#stream !== null && !InputStream.isDropped(body.#stream)) {
      throw new GuestTrap('wasi:http: incoming-body.finish while its input-stream is still alive');
    }
    // fetch exposes no trailers: the future is ready at once, with none, or with the body's error.
    const failure = body.#source.failureCode?.() ?? null;
    body.#cancel();
    return new FutureTrailers(failure);
  }

  [dispose]() {
    this.#cancel();
  }
}

export class FutureTrailers {
  #failure;
  #taken = false;

  constructor(failure) {
    this.#failure = failure;
  }

  subscribe() {
    return new Pollable();
  }

  get() {
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: this.#failure === null ? { tag: 'ok', val: undefined } : { tag: 'err', val: this.#failure } };
  }
}

export class OutgoingResponse {
  #status = 200;
  #headers;
  #body = null;

  constructor(headers) {
    this.#headers = Fields.entriesOf(headers);
  }
  statusCode() {
    return this.#status;
  }
  setStatusCode(status) {
    if (status < 100 || status > 999) throw undefined;
    this.#status = status;
  }
  headers() {
    return Fields.of(this.#headers, true);
  }
  body() {
    if (this.#body !== null) throw undefined;
    this.#body = new OutgoingBody(this.#headers, 'response');
    return this.#body;
  }

  /** Host-only: what a served response answers with (its body null when the guest never took it). */
  static parts(response) {
    return { status: response.#status, headers: response.#headers, body: response.#body };
  }
}
