// The admin panel's bundler picks a local plugin's admin part from this file (ESM, sources in admin/src).
export { default } from './admin/src/index';
