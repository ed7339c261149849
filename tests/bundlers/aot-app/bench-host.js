// The host side of `example:bench/host` for the app's component.
export const logged = [];
export const log = (msg) => logged.push(msg);
