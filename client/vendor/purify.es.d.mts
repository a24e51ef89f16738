// Types for /vendor/purify.es.mjs, which the server serves from node_modules/dompurify (server/vendor-files.ts).
export { default } from 'dompurify';
export type * from 'dompurify';
