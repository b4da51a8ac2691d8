import { z } from 'zod';
import type { ControlRoute } from '../http/pipeline';
import { errorBody } from '../http/reply';
import { INVOICE_PAGING_FAULTS } from '../state/invoices';

/**
 * Control of the invoices: `POST /_sim/invoices/{invoiceId}/paging { fault }` breaks the paging of a
 * legacy invoice's v1 line items (see `InvoicePagingFault`) until `DELETE` or a reseed.
 */

const pagingSchema = z.object({ fault: z.enum(INVOICE_PAGING_FAULTS) }).strict();

export const invoiceControlRoutes: ControlRoute[] = [
  {
    method: 'POST',
    path: '/_sim/invoices/:invoiceId/paging',
    handle(body, _q, sim, params) {
      const invoice = sim.world.invoices.find(params.invoiceId ?? '');
      if (!invoice) return { status: 404, body: errorBody('1000', `Invoice ${params.invoiceId} not found`) };
      if (invoice.kind !== 'legacy') {
        return {
          status: 400,
          body: errorBody('800002', 'Paging faults apply to the offset-paged line items of legacy invoices.'),
        };
      }
      const parsed = pagingSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          status: 400,
          body: errorBody('800002', `${issue.path.join('.') || 'body'}: ${issue.message}`),
        };
      }
      sim.world.invoices.pagingFaults.set(invoice.id.toLowerCase(), parsed.data.fault);
      return { status: 200, body: { invoiceId: invoice.id, fault: parsed.data.fault } };
    },
  },
  {
    method: 'DELETE',
    path: '/_sim/invoices/:invoiceId/paging',
    handle(_b, _q, sim, params) {
      const removed = sim.world.invoices.pagingFaults.delete((params.invoiceId ?? '').toLowerCase());
      return { status: 200, body: { removed } };
    },
  },
];
