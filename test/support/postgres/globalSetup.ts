import { PROBLEM_VARIABLE, provideTestDatabase } from './testPostgres';
import { setRunningPostgres } from './runState';

/**
 * Jest global set-up: finds or starts the PostgreSQL of this run once, before any worker starts,
 * and hands it to the suites through the environment the workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  const provided = await provideTestDatabase();
  process.env.TEST_DATABASE_URL = provided.url;
  if (provided.problem) process.env[PROBLEM_VARIABLE] = provided.problem;
  else delete process.env[PROBLEM_VARIABLE];
  if (provided.notice) process.stderr.write(`\n${provided.notice}\n`);
  if (provided.problem) process.stderr.write(`\n${provided.problem}\n`);
  setRunningPostgres(provided.server);
}
