import { customerLabel } from '../../dialogs/purchaseCards';
import { CUSTOMER_DATASET } from '../../dialogs/customerPickerDialog';
import { findCustomers } from '../../workflows/customers';
import { helpCommand, runCommandVerb } from '../handlers/help';
import { whoamiCommand } from '../handlers/whoami';
import type { CommandHandler } from '../handlers/types';
import { dialogSubmitVerb } from './cardDialogs';
import type { FeatureDefinition } from './feature';

const TYPEAHEAD_RESULTS = 15;

/** What the router knows once every feature is in: the commands served, for help and its buttons. */
export interface CommandDirectory {
  served(): readonly string[];
  handlers(): ReadonlyMap<string, CommandHandler>;
}

export const CORE_COMMANDS = [
  { id: 'help', aliases: ['help', 'aide', '?'] },
  { id: 'whoami', aliases: ['whoami', 'quisuisje'] },
] as const;

/**
 * What every flow shares: help and whoami, the help card's buttons, the card dialogs' verb (every
 * dialog answers `dialog.submit` through the one host) and the customer typeahead.
 */
export function coreFeature(directory: CommandDirectory): FeatureDefinition {
  return {
    name: 'core',
    commands: CORE_COMMANDS,
    create(host) {
      return {
        commands: { help: helpCommand(() => directory.served()), whoami: whoamiCommand },
        verbs: {
          'command.run': runCommandVerb(() => directory.handlers()),
          ...dialogSubmitVerb(host.dialogs),
        },
        searches: {
          // Customers by name, domain or tenant id; what it offered may then be picked on the card.
          [CUSTOMER_DATASET]: async (context, services, queryText) => {
            const query = queryText.trim().slice(0, 100);
            if (query === '' || !services.caller.aadObjectId) return [];
            const found = await findCustomers(host.pc, query, {
              correlationId: services.correlationId,
              // When the prefix search finds nothing, the cached directory answers (no listing).
              limit: TYPEAHEAD_RESULTS,
            });
            await host.dialogs.recordOffers(
              context,
              CUSTOMER_DATASET,
              found.map((c) => c.id),
            );
            return found.map((c) => ({ title: customerLabel(c), value: c.id }));
          },
        },
      };
    },
  };
}
