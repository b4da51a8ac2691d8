import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { type Logger, silentLogger } from '../src/logging';

/**
 * Starts the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground 0.2.28) as a child
 * process: a Teams-like web client plus a mock Bot Connector that posts activities to the bot and
 * takes its replies at `${url}/_connector`.
 *
 * Facts of that version this code relies on:
 * - without TEAMSAPPTESTER_BROWSER=none it tries to open a browser (and exits on a headless machine);
 * - when stdout is not a TTY it prints `Listening on <port>` there and nothing else: every console
 *   line, errors included, goes only to its log file (M365_AGENTS_PLAYGROUND_LOGFILE);
 * - a requested port that is busy is silently replaced by a random one, and port 0 means random,
 *   so the port is read back from that line;
 * - it reads the config file (M365_AGENTS_PLAYGROUND_CONFIG_PATH, else ./.m365agentsplayground.yml)
 *   only after listening, and exits if the file is invalid; its routes answer only once it is loaded,
 *   hence the wait on GET /_debug/ping.
 */

export const DEFAULT_PLAYGROUND_PORT = 56150;
const PACKAGE_NAME = '@microsoft/m365agentsplayground';

export interface StartPlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Port for the UI and the mock connector; 0 picks a free one. Default 56150. */
  port?: number;
  /** Working directory of the Playground; default process.cwd(). */
  cwd?: string;
  /** Config file; default `<cwd>/.m365agentsplayground.yml` (the Playground's built-in users if absent). */
  configPath?: string;
  /** Log file; default `<cwd>/devTools/m365agentsplayground.log`. The Playground deletes it on start. */
  logFile?: string;
  /** How long to wait for the Playground to answer; default 30 s. */
  startTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningPlayground {
  /** The web client, e.g. http://localhost:56150; the mock connector is `${url}/_connector`. */
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

export class PlaygroundStartError extends Error {
  override readonly name = 'PlaygroundStartError';
}

const PackageJson = z.object({ bin: z.record(z.string()) });

/** The CLI script inside node_modules, so no global or npx-downloaded copy is ever used. */
export function resolvePlaygroundCli(): string {
  const packageJsonPath = require.resolve(`${PACKAGE_NAME}/package.json`);
  const { bin } = PackageJson.parse(JSON.parse(readFileSync(packageJsonPath, 'utf8')));
  const script = bin.agentsplayground;
  if (!script) throw new PlaygroundStartError(`${PACKAGE_NAME} has no "agentsplayground" bin`);
  return join(dirname(packageJsonPath), script);
}

function readTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log file)';
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function answersPing(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_debug/ping`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // detached: the child leads its own process group, so this reaches anything it spawned too.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

export async function startPlayground(options: StartPlaygroundOptions): Promise<RunningPlayground> {
  const logger = options.logger ?? silentLogger();
  const cwd = resolve(options.cwd ?? process.cwd());
  const requestedPort = options.port ?? DEFAULT_PLAYGROUND_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new PlaygroundStartError(`invalid port ${requestedPort}`);
  }
  const logFile = resolve(cwd, options.logFile ?? join('devTools', 'm365agentsplayground.log'));
  const configPath = options.configPath ? resolve(cwd, options.configPath) : undefined;
  if (configPath && !existsSync(configPath)) {
    throw new PlaygroundStartError(`Playground config file not found: ${configPath}`);
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: 'none',
    M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
  };
  if (configPath) env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = configPath;
  const args = [
    resolvePlaygroundCli(),
    '-e',
    options.botEndpoint,
    '-c',
    'msteams',
    '-p',
    String(requestedPort),
    '--disable-telemetry',
  ];
  const child = spawn(process.execPath, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  // The child is detached (its own process group), so it would outlive us; take it down on our exit.
  const killOnExit = (): void => killGroup(child, 'SIGTERM');
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      killGroup(child, 'SIGTERM');
      if (!(await waitForExit(child, 3000))) {
        killGroup(child, 'SIGKILL');
        await waitForExit(child, 2000);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopped;
  };

  const failure = (reason: string): PlaygroundStartError =>
    new PlaygroundStartError(
      [
        `Agents Playground did not start: ${reason}`,
        `--- ${logFile} (tail) ---`,
        readTail(logFile),
        ...(stderr.trim() ? ['--- stderr ---', stderr.trim()] : []),
      ].join('\n'),
    );

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let port: number | undefined;
  while (Date.now() < deadline) {
    if (spawnError) {
      await stop();
      throw failure(spawnError.message);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await sleep(50); // let the last stdio and log lines land
      await stop();
      throw failure(`it exited (${child.exitCode ?? child.signalCode})`);
    }
    port ??= Number(/Listening on (\d+)/.exec(stdout)?.[1]) || undefined;
    if (port !== undefined && (await answersPing(`http://localhost:${port}`))) {
      const url = `http://localhost:${port}`;
      if (requestedPort !== 0 && port !== requestedPort) {
        logger.warn({ requestedPort, port }, 'Agents Playground port was busy; it picked another one');
      }
      logger.info({ url, botEndpoint: options.botEndpoint, logFile }, 'Agents Playground started');
      return { url, port, logFile, stop };
    }
    await sleep(100);
  }
  const error = failure(`no answer within ${options.startTimeoutMs ?? 30_000} ms`);
  await stop();
  throw error;
}
