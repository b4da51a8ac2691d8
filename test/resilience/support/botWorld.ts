import axios from 'axios';
import type { PartnerCenterClient } from '../../../src/partnercenter';
import type { SimulatorOptions } from '../../../src/simulator';
import { createStore, type Store } from '../../../src/store';
import { SimulatorHarness, type SimConfig } from '../../integration/partnercenter/simulatorHarness';
import { createTempDir, type TempDir } from '../../integration/store/testDatabases';
import { startFakeConnector, type FakeConnector } from '../../support/fakeConnector';
import { BotProcess, freePort } from './botProcess';

/**
 * One bot process on its own SQLite file, the Partner Center simulator (in this process, as
 * Partner Center outlives the bot), the fake Bot Connector, and what a test reads from outside:
 * the bot's store and a Partner Center client of its own.
 */
export interface BotWorld {
  dir: TempDir;
  simulator: SimulatorHarness;
  connector: FakeConnector;
  /** The bot as started; a test that restarts it keeps the new one and passes it to close. */
  bot: BotProcess;
  store: Store;
  pc: PartnerCenterClient;
  /** Stops the bot (the one given, when the test restarted it) and everything else. */
  close(bot?: BotProcess): Promise<void>;
}

export async function startBotWorld(options: {
  name: string;
  partnerCenterTimeoutMs: number;
  simulator?: SimulatorOptions;
  simulatorConfig?: SimConfig;
  env?: Record<string, string>;
}): Promise<BotWorld> {
  const dir = createTempDir(`resilience-${options.name}-`);
  // What has started, to be closed if a later part fails to start (else jest hangs on it).
  const started: Array<() => Promise<unknown> | void> = [() => dir.remove()];
  const startedPart = <T>(part: T, close: (part: T) => Promise<unknown> | void): T => {
    started.unshift(() => close(part));
    return part;
  };
  let simulator: SimulatorHarness, connector: FakeConnector, bot: BotProcess, store: Store;
  try {
    simulator = startedPart(
      await SimulatorHarness.start({ orderCompletionDelayMs: 0, orderListLagMs: 0, ...options.simulator }),
      (s) => s.close(),
    );
    if (options.simulatorConfig) await simulator.configure(options.simulatorConfig);
    connector = startedPart(await startFakeConnector(), (c) => c.close());
    const sqlitePath = `${dir.path}/bot.sqlite`;
    bot = startedPart(
      await BotProcess.start({
        name: options.name,
        simulatorUrl: simulator.baseUrl,
        database: { sqlitePath },
        port: await freePort(),
        partnerCenterTimeoutMs: options.partnerCenterTimeoutMs,
        ...(options.env ? { env: options.env } : {}),
      }),
      (b) => b.stop(),
    );
    store = await createStore({ sqlitePath });
  } catch (error) {
    for (const close of started) await Promise.resolve(close()).catch(() => undefined);
    throw error;
  }
  const pc = simulator.client();
  return {
    dir,
    simulator,
    connector,
    bot,
    store,
    pc,
    async close(current = bot) {
      // Held and hung answers first, so that nothing waits on them; then every part is closed even
      // when one of them fails (the first failure is reported).
      const steps = [
        () => simulator.clearFaults(),
        () => current.stop(),
        () => store.close(),
        () => pc.close(),
        () => connector.close(),
        () => simulator.close(),
      ];
      const failures: unknown[] = [];
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      }
      dir.remove();
      if (failures.length > 0) throw failures[0];
    },
  };
}

/** The customer's spend this period set to a share of its budget (and no more growth, by default). */
export async function setSpend(
  simulator: SimulatorHarness,
  customerId: string,
  percentOfBudget: number,
  dailyCost = 0,
): Promise<void> {
  await axios.put(`${simulator.baseUrl}/_sim/customers/${customerId}/spend`, { percentOfBudget, dailyCost });
}
