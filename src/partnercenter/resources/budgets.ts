import type { CallOptions } from '../callOptions';
import { defineOperation } from '../http/operation';
import type { Pipeline } from '../http/pipeline';
import { spendingBudgetSchema, type SpendingBudget } from '../schemas';

const BUDGET = '/customers/{customerId}/usagebudget';

const operations = {
  get: defineOperation({
    name: 'budgets.get',
    method: 'GET',
    path: BUDGET,
    auth: 'app',
    family: 'budgets',
    response: spendingBudgetSchema,
    idempotent: true,
  }),
  set: defineOperation({
    name: 'budgets.set',
    method: 'PATCH',
    path: BUDGET,
    auth: 'app',
    family: 'budgets',
    response: spendingBudgetSchema,
    // Sets an absolute value: repeating it changes nothing.
    idempotent: true,
  }),
};

/** The customer's Partner Center spending budget (local currency for Azure plan customers). */
export class BudgetsClient {
  constructor(private readonly pipeline: Pipeline) {}

  get(customerId: string, options: CallOptions = {}): Promise<SpendingBudget> {
    return this.pipeline.call(operations.get, { params: { customerId } }, options);
  }

  /** `null` removes the budget. */
  set(customerId: string, amount: number | null, options: CallOptions = {}): Promise<SpendingBudget> {
    return this.pipeline.call(
      operations.set,
      { params: { customerId }, body: { amount, attributes: { objectType: 'SpendingBudget' } } },
      options,
    );
  }
}
