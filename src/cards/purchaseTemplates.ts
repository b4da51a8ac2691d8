import catalogPicker from './templates/catalogPicker.json';
import customerPicker from './templates/customerPicker.json';
import mcaAttestation from './templates/mcaAttestation.json';
import order from './templates/order.json';
import orders from './templates/orders.json';
import purchaseConfirm from './templates/purchaseConfirm.json';
import purchaseNotice from './templates/purchaseNotice.json';
import request from './templates/request.json';
import requests from './templates/requests.json';

/** The cards of the purchase flow, its requests and orders (merged into `templates` by templates.ts). */
export const purchaseTemplates = {
  customerPicker: { template: customerPicker, strings: ['customerPicker', 'common'] },
  catalogPicker: { template: catalogPicker, strings: ['purchase', 'dialogs', 'common'] },
  purchaseNotice: { template: purchaseNotice, strings: ['purchase', 'common'] },
  mcaAttestation: { template: mcaAttestation, strings: ['purchase', 'common'] },
  purchaseConfirm: { template: purchaseConfirm, strings: ['purchase', 'dialogs', 'common'] },
  request: { template: request, strings: ['request', 'common'] },
  order: { template: order, strings: ['orders', 'common'] },
  orders: { template: orders, strings: ['orders', 'common'] },
  requests: { template: requests, strings: ['requestsList', 'request', 'common'] },
};
