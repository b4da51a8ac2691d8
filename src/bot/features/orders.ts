import { orderCommand, ordersCommand } from '../handlers/orders';
import type { FeatureDefinition } from './feature';

/** `order <id>` and `orders <customer>`: what Partner Center says of orders, and ours not listed yet. */
export const ordersFeature: FeatureDefinition = {
  name: 'orders',
  commands: [
    { id: 'orders', aliases: ['orders', 'commandes'] },
    { id: 'order', aliases: ['order', 'commande'] },
  ],
  create(host) {
    const deps = { pc: host.pc, store: host.store, logger: host.logger };
    return { commands: { order: orderCommand(deps), orders: ordersCommand(deps) } };
  },
};
