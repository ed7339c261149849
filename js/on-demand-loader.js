/**
 * `onDemand()`: on-demand.js, imported once. (Node resolves a dynamic `import()` through the
 * filesystem on every call, which an instance per request, as serve() makes, would pay each time.)
 */

let parts = null;

/** @returns {Promise<typeof import('./on-demand.js')>} */
export const onDemand = () => (parts ??= import('./on-demand.js'));
