import type { RunningPostgres } from './testPostgres';

// Jest loads the global set-up and teardown as separate modules of one process: the server they
// share is kept on the process's global object.
const KEY = Symbol.for('azure-plan-ops.test-postgres');
const holder = globalThis as typeof globalThis & { [KEY]?: RunningPostgres };

export function setRunningPostgres(server: RunningPostgres | undefined): void {
  holder[KEY] = server;
}

export function takeRunningPostgres(): RunningPostgres | undefined {
  const server = holder[KEY];
  holder[KEY] = undefined;
  return server;
}
