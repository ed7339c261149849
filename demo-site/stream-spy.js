// For tests, in Node and in the page: counts the `ReadableStream`s made from now on in `scope`
// (globalThis or window), and the pulls of their sources: the JS path a stream takes when it is
// not handed straight from one component to another. Counts too the futures JS reads: a future
// JS receives is a Promise of a subclass of its own, which reads the guest's future on its first
// `then` (as `await` calls it).

/** @returns {{streams: number, pulls: number, futureReads: number}} the counts, kept up to date */
export function spyOnReadableStreams(scope) {
  const made = { streams: 0, pulls: 0, futureReads: 0 };
  const { then } = scope.Promise.prototype;
  const read = new WeakSet();
  scope.Promise.prototype.then = function (...args) {
    if (this instanceof scope.Promise && this.constructor !== scope.Promise && !read.has(this)) {
      read.add(this);
      made.futureReads++;
    }
    return then.apply(this, args);
  };
  const Native = scope.ReadableStream;
  scope.ReadableStream = class extends Native {
    constructor(source, strategy) {
      made.streams++;
      const pull = source?.pull;
      super(pull ? { ...source, pull: (c) => (made.pulls++, pull(c)) } : source, strategy);
    }
  };
  return made;
}
