/** What the server gives every on-demand page and endpoint (scripts/serve.ts → the adapter's handler → locals). */
declare namespace App {
  interface Locals {
    /** The composition root's dependencies (scripts/lib/http/server-deps.ts), from serve.ts or the dev integration. */
    server?: import('../scripts/lib/http/server-deps.ts').ServerDeps;
  }
}
