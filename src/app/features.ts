import { CommandParser, PLANNED_COMMANDS, type CommandWords } from '../bot/commands';
import { CORE_COMMANDS } from '../bot/features/core';
import type { FeatureDefinition } from '../bot/features/feature';
import { governanceFeature } from '../bot/features/governance';
import { invoicesFeature } from '../bot/features/invoices';
import { lifecycleFeature } from '../bot/features/lifecycle';
import { ordersFeature } from '../bot/features/orders';
import { purchaseFeature } from '../bot/features/purchase';
import { requestsFeature } from '../bot/features/requests';
import { spendFeature } from '../bot/features/spend';

/**
 * The Teams side of the product, one registration line per feature (the core feature — help,
 * whoami, card dialogs, customer typeahead — is always there). The help card and the app manifest
 * list exactly the commands these declare.
 */
export const APP_FEATURES: readonly FeatureDefinition[] = [
  purchaseFeature,
  ordersFeature,
  lifecycleFeature,
  requestsFeature,
  spendFeature,
  invoicesFeature,
  governanceFeature,
];

/** Every command the bot serves, core first, with its words (the help card and the manifest list these). */
export function servedCommandWords(): CommandWords[] {
  return [...CORE_COMMANDS, ...APP_FEATURES.flatMap((feature) => feature.commands)];
}

/** The parser the bot builds at start-up, for tools and tests that read commands without a bot. */
export function appCommandParser(): CommandParser {
  return new CommandParser(servedCommandWords(), PLANNED_COMMANDS);
}
