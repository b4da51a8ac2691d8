import pino from 'pino';
import { createLogger } from '../logging';
import { startSimulator } from './index';

/**
 * `npm run simulator`: the simulator on SIMULATOR_PORT (default 5999) until SIGINT/SIGTERM. The
 * base URL is the only line on stdout (logs go to stderr) so scripts can read it.
 */
async function main(): Promise<void> {
  const logger = createLogger({
    level: process.env.LOG_LEVEL ?? 'info',
    destination: pino.destination(2),
  }).child({
    component: 'simulator',
  });
  const port = Number(process.env.SIMULATOR_PORT ?? 5999);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SIMULATOR_PORT must be a port number, got ${process.env.SIMULATOR_PORT}`);
  }
  const extra = Number(process.env.SIMULATOR_EXTRA_CUSTOMERS ?? 0);
  const simulator = await startSimulator({
    port,
    host: process.env.SIMULATOR_HOST ?? '127.0.0.1',
    extraCustomers: Number.isInteger(extra) && extra > 0 ? extra : 0,
    logger,
  });
  process.stdout.write(`${simulator.baseUrl}\n`);
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping the simulator');
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
