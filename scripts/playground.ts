import { createLogger } from '../src/logging';
import { DEFAULT_PLAYGROUND_PORT, startPlayground } from './playgroundLauncher';

/**
 * `npm run playground`: the Agents Playground in front of a bot that is already running (start the bot
 * with `npm run dev` in another terminal). BOT_ENDPOINT names the bot (default the local one);
 * TEAMSAPPTESTER_PORT, the Playground's own variable, moves the UI off 56150. Ctrl+C stops it.
 */

const DEFAULT_BOT_ENDPOINT = 'http://127.0.0.1:3978/api/messages';

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PLAYGROUND_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`TEAMSAPPTESTER_PORT must be a port number, got "${value}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const logger = createLogger({ pretty: process.stdout.isTTY, level: process.env.LOG_LEVEL ?? 'info' });
  const botEndpoint = process.env.BOT_ENDPOINT?.trim() || DEFAULT_BOT_ENDPOINT;
  const playground = await startPlayground({
    botEndpoint,
    port: portFromEnv(process.env.TEAMSAPPTESTER_PORT),
    logger,
  });
  process.stdout.write(
    `Agents Playground: ${playground.url}  (bot: ${botEndpoint}, log: ${playground.logFile})\n`,
  );
  const shutdown = (): void => {
    void playground.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
