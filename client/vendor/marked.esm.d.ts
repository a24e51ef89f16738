// Types for /vendor/marked.esm.js, which the server serves from node_modules/marked (server/vendor-files.ts).
export * from 'marked';
