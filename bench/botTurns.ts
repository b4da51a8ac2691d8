import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { parseConfig } from '../src/config';
import { silentLogger } from '../src/logging';
import { createStore } from '../src/store';
import { startFakeConnector } from '../test/support/fakeConnector';
import { startTestBot } from '../test/support/testBot';
import { cardAction, personalMessage } from '../test/support/teamsActivities';
import { percentile, printResult, round, type BenchResult } from './benchResult';

/** The floor: a bare CloudAdapter + restify echo bot, measured in the same run on the same machine. */
async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await context.sendActivity(`echo: ${context.activity.text}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Sequential turns over HTTP through the whole bot (router, card rendering, the conversation
 * reference check, which writes to SQLite only when the reference changed, reply to a loopback
 * connector): the per-turn cost of our own code.
 */
export async function benchBotTurns(turns = 300): Promise<BenchResult> {
  const connector = await startFakeConnector();
  const store = await createStore({ sqlitePath: ':memory:' });
  const app = await startTestBot({ config: parseConfig({}), store, logger: silentLogger() });
  const echo = await startEchoBot();
  const url = `${app.server.url}/api/messages`;
  const post = async (body: unknown, target = url) => {
    const started = performance.now();
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return performance.now() - started;
  };
  try {
    const first = await post(personalMessage('help', { serviceUrl: connector.serviceUrl }));
    const help: number[] = [];
    const invoke: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < turns; i++) {
      floor.push(await post(personalMessage('hello', { serviceUrl: connector.serviceUrl }), echo.url));
      help.push(await post(personalMessage(i % 2 ? 'help' : 'whoami', { serviceUrl: connector.serviceUrl })));
      invoke.push(
        await post(cardAction('command.run', { command: 'whoami' }, { serviceUrl: connector.serviceUrl })),
      );
      connector.clear();
    }
    for (const list of [help, invoke, floor]) list.sort((a, b) => a - b);
    const p50 = percentile(help, 50);
    const floorP50 = percentile(floor, 50);
    return {
      name: 'bot turns over HTTP (sandbox, SQLite in memory)',
      figures: {
        firstTurnMs: round(first),
        messageTurnP50Ms: round(p50),
        messageTurnP95Ms: round(percentile(help, 95)),
        cardInvokeP50Ms: round(percentile(invoke, 50)),
        cardInvokeP95Ms: round(percentile(invoke, 95)),
        echoFloorP50Ms: round(floorP50),
        echoFloorP95Ms: round(percentile(floor, 95)),
        messageTurnRatioToEchoP50: round(p50 / floorP50),
      },
      notes: [
        `${turns} sequential turns of each kind, interleaved with a bare echo bot on the same connector`,
      ],
    };
  } finally {
    await app.close();
    await echo.close();
    await store.close();
    await connector.close();
  }
}

if (require.main === module) {
  benchBotTurns().then(printResult, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
