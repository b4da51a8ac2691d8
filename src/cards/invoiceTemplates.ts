import invoiceList from './templates/invoiceList.json';
import reconciliation from './templates/reconciliation.json';

/** The cards of invoices and reconciliation (merged into `templates` by templates.ts). */
export const invoiceTemplates = {
  invoiceList: { template: invoiceList },
  /** An invoice or a reconciliation: queued, in progress, its result or its failure. */
  reconciliation: { template: reconciliation },
};
