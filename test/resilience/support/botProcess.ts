import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { builtBot } from './botBuild';

/**
 * The bot as a child process (`node src/main.js`, compiled by botBuild), configured as the sandbox
 * minus what a test supplies itself: the Partner Center simulator (SIMULATOR_URL, so that its state
 * outlives a killed bot, as Partner Center's would), the database (a SQLite file or a PostgreSQL
 * schema) and, through the activities' serviceUrl, the fake Bot Connector. No Agents Playground.
 */

/** Patience for a suite's set-up: compiling the sources (once per version) and starting a bot. */
export const BOOT_MS = 120_000;

/** The same key for every process of a test: the token cache in the database is encrypted with it. */
const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Polls and retries of the domain, short enough for a test (DOMAIN_TUNING). */
export const FAST_TUNING = {
  retryDelaysMs: [200, 400, 800, 1_000],
  firstOrderPollMs: 200,
  maxOrderPollMs: 1_000,
  firstStatusPollMs: 200,
  maxStatusPollMs: 1_000,
};

export type BotDatabase = { sqlitePath: string } | { databaseUrl: string; schema: string };

export interface BotProcessOptions {
  /** Shown in errors and log dumps. */
  name: string;
  simulatorUrl: string;
  database: BotDatabase;
  /** The bot's port: its node name is host:port, so a restart on it takes back its claims at once. */
  port: number;
  /** Per attempt of a Partner Center call (PARTNER_CENTER_TIMEOUT_MS). */
  partnerCenterTimeoutMs: number;
  /** More settings (BUDGET_SWEEP_CRON, …). */
  env?: Record<string, string>;
}

export interface LogLine {
  level: number;
  /** pino's time (this project logs it as an ISO string). */
  time: string | number;
  msg?: string;
  [key: string]: unknown;
}

/** A free TCP port of 127.0.0.1 (bound and released: the bot binds it right after). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A PostgreSQL URL whose connections work in `schema` (libpq's `options`, which the pg driver honours). */
export function schemaUrl(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export class BotProcess {
  /** Every JSON line the process logged, in order. */
  readonly logs: LogLine[] = [];
  private readonly stderr: string[] = [];
  private exited: Promise<number | null>;

  private constructor(
    readonly options: BotProcessOptions,
    private readonly child: ChildProcess,
    private readonly workDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ level: 30, time: new Date().toISOString(), msg: line });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
  }

  /** Starts the bot and resolves once it logged "bot ready" (its store, server and jobs are up). */
  static async start(options: BotProcessOptions): Promise<BotProcess> {
    const main = builtBot();
    // Its own working folder: no developer's .env is read, nothing is written under ./data.
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `plan-ops-${options.name}-`));
    const database =
      'sqlitePath' in options.database
        ? { SQLITE_PATH: options.database.sqlitePath }
        : { DATABASE_URL: schemaUrl(options.database.databaseUrl, options.database.schema) };
    const child = spawn(process.execPath, ['--enable-source-maps', main], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        APP_MODE: 'sandbox',
        HOST: '127.0.0.1',
        PORT: String(options.port),
        LOG_LEVEL: 'info',
        PLAYGROUND: 'false',
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        SIMULATOR_URL: options.simulatorUrl,
        PARTNER_CENTER_TIMEOUT_MS: String(options.partnerCenterTimeoutMs),
        DOMAIN_TUNING: JSON.stringify(FAST_TUNING),
        JOB_WORK_EVERY_MS: '200',
        SHUTDOWN_GRACE_MS: '1000',
        ...database,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new BotProcess(options, child, workDir);
    await bot.ready();
    return bot;
  }

  /** The same bot started again: same port (so the same node name), database and settings. */
  restart(): Promise<BotProcess> {
    return BotProcess.start(this.options);
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What a crash does: SIGKILL, nothing flushed or released. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
    this.cleanUp();
  }

  /** A graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    await this.exited;
    this.cleanUp();
  }

  /** Log lines whose message is `msg` (and that match `fields`). */
  logged(msg: string, fields: Record<string, unknown> = {}): LogLine[] {
    return this.logs.filter(
      (line) => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value),
    );
  }

  /** The last lines of its log and its stderr, for an error message. */
  tail(lines = 30): string {
    const log = this.logs
      .slice(-lines)
      .map((line) => JSON.stringify(line))
      .join('\n');
    return `--- ${this.options.name} (pid ${this.pid}) log tail ---\n${log}\n--- stderr ---\n${this.stderr.join('').slice(-4_000)}`;
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!this.logs.some((line) => line.msg === 'bot ready')) {
      if (!this.running) {
        await this.exited;
        throw new Error(`the bot ${this.options.name} exited before it was ready\n${this.tail()}`);
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`the bot ${this.options.name} was not ready within 60 s\n${this.tail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private cleanUp(): void {
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}
