export { terrarium, type ComponentOptions } from './plugin.js';
