/**
 * JSPI: an instance's export calls (and destructors run from JS) go one at a time, in order, since a
 * suspended call leaves its instance busy. With none in flight a call starts at once, without
 * waiting a turn of the promise queue; the next one starts as the one before it settles.
 */
export class CallQueue {
  constructor() {
    /** whether no call holds the turn */
    this.idle = true;
    /** @type {(() => void)[]} the calls waiting their turn, each starting itself */
    this.waiting = [];
    /** Ends the turn: the next waiting call starts, or the queue is idle (a reaction, so bound). */
    this.release = () => {
      const next = this.waiting.shift();
      if (next === undefined) this.idle = true;
      else next();
    };
  }

  /** Runs `fn` (returning a promise or a value) in its turn; the promise of its result. */
  enqueue(fn) {
    if (this.idle) {
      this.idle = false;
      return this.hold(fn);
    }
    return new Promise((resolve, reject) => {
      this.waiting.push(() => this.hold(fn).then(resolve, reject));
    });
  }

  /** Runs `fn` now, holding the turn until its promise settles. */
  hold(fn) {
    let p;
    try {
      p = Promise.resolve(fn());
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(this.release, this.release);
    return p;
  }

  /** Takes the turn, which must be free, for a call that calls `release` itself when it settles. */
  take() {
    this.idle = false;
  }
}
