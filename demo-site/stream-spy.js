// For tests, in Node and in the page: counts the `ReadableStream`s made from now on in `scope`
// (globalThis or window), and the pulls of their sources: the JS path a stream takes when it is
// not handed straight from one component to another.

/** @returns {{streams: number, pulls: number}} the counts, kept up to date */
export function spyOnReadableStreams(scope) {
  const made = { streams: 0, pulls: 0 };
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
