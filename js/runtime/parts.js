/**
 * Which optional parts of the runtime a plan needs, decided from the plan alone so that a caller
 * loads a part (in the page, or as an import of ahead-of-time output) only for the plans that use
 * it. (Component-model async has its own, fuller reading: async/detect.js.)
 */

/** Whether the plan calls from one of its components into another: fused-call.js copies those. */
export const callsBetweenComponents = (plan) => plan.steps.some((s) => s.op === 'lower' && s.callee.kind === 'lifted');
