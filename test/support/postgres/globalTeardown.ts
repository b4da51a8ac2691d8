import { takeRunningPostgres } from './runState';

/** Jest global teardown: stops the PostgreSQL the set-up started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await takeRunningPostgres()?.stop();
}
