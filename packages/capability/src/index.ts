export { packageName } from './package-name.js';
