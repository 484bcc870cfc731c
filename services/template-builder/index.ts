// The template builder's public entry, for the composer (services/cli/).
export { createTemplateBuilderServer } from './server.ts';
