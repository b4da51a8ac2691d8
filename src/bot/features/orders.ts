import { CustomerActionDialog } from '../../dialogs/customerActionDialog';
import { orderCommand, ordersCard } from '../handlers/orders';
import { requiredTurnServices } from '../turnServices';
import type { FeatureDefinition } from './feature';
import { dialogCommand } from './startDialog';

const ORDERS_DIALOG = 'orders';

/**
 * `order <id>` and `orders <customer>`: what Partner Center says of orders, and ours not listed
 * yet. `orders` names its customer like every command does (the shared picker when several match).
 */
export const ordersFeature: FeatureDefinition = {
  name: 'orders',
  commands: [
    { id: 'orders', aliases: ['orders', 'commandes'] },
    { id: 'order', aliases: ['order', 'commande'] },
  ],
  create(host) {
    const deps = { pc: host.pc, store: host.store, logger: host.logger };
    return {
      commands: {
        order: orderCommand(deps),
        orders: dialogCommand(host.dialogs, ORDERS_DIALOG, { titleKey: 'orders.flow' }),
      },
      dialogs: [
        new CustomerActionDialog(ORDERS_DIALOG, {
          pc: host.pc,
          prompts: host.dialogs,
          turn: requiredTurnServices,
          flowKey: 'orders.flow',
          show: (_context, customer, turn) => ordersCard(deps, customer, turn),
        }),
      ],
    };
  },
};
