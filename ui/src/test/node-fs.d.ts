// The Node APIs the tests use (reading the Rust sources of the shell to check the IPC contract), declared here
// because the project has no @types/node; tests run under Node (vitest), the app never does.
declare module 'node:fs' {
  export function readFileSync(path: string, encoding: 'utf8'): string;
  export function readdirSync(path: string): string[];
}
