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
  customerPicker: { template: customerPicker },
  catalogPicker: { template: catalogPicker },
  purchaseNotice: { template: purchaseNotice },
  mcaAttestation: { template: mcaAttestation },
  purchaseConfirm: { template: purchaseConfirm },
  request: { template: request },
  order: { template: order },
  orders: { template: orders },
  requests: { template: requests },
};
