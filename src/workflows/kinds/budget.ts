import { z } from 'zod';
import type { PartnerCenterClient } from '../../partnercenter';
import type { ActionRequest } from '../../store';
import { RequestFailure, step, type Fact, type RequestKind } from '../requests/kind';
import { MAX_BUDGET_AMOUNT } from '../spend/budgetAmount';

export const SET_BUDGET_KIND = 'set-budget';
export const RAISE_BUDGET_KIND = 'raise-budget';

/** A new spending budget for a customer (null: no budget), in the customer's currency. */
export const budgetPayloadSchema = z.object({
  customerId: z.string().min(1),
  customerName: z.string().min(1),
  amount: z
    .number()
    .positive()
    .max(MAX_BUDGET_AMOUNT)
    // 19.99 * 100 is 1998.9999999999998 in binary floating point: compare with a tolerance.
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, 'at most two decimals')
    .nullable(),
  /** Empty when the customer's currency could not be read (the amount is then as typed). */
  currency: z.string().max(3),
  previousAmount: z.number().nullable().optional(),
  /** The budget alert the change answers, if any. */
  alertId: z.string().min(1).optional(),
});
export type BudgetPayload = z.infer<typeof budgetPayloadSchema>;

/**
 * Setting the customer's spending budget (`budget <customer> set|clear`): an absolute PATCH,
 * idempotent, read back from the answer. Whether it needs an approver is policy (none by default);
 * raising it from a budget alert is the same change under its own kind, approved by default.
 */
export function budgetKinds(deps: {
  pc: PartnerCenterClient;
}): [RequestKind<BudgetPayload>, RequestKind<BudgetPayload>] {
  const set = (name: string, approvers: number): RequestKind<BudgetPayload> => ({
    name,
    payload: budgetPayloadSchema,
    requiredRole: 'requester',
    approval: { approvers, expiryHours: 72 },
    steps: [
      {
        name: 'set-budget',
        async run(ctx) {
          const { customerId, amount } = ctx.payload;
          const answer = await deps.pc.budgets.set(customerId, amount, {
            correlationId: ctx.correlationId,
            requestId: ctx.pcRequestId('patch'),
          });
          const now = answer.amount ?? null;
          await ctx.audit({
            action: 'budget.set',
            outcome: now === amount ? 'set' : 'mismatch',
            pcRequestId: ctx.pcRequestId('patch'),
            details: { amount, previousAmount: ctx.payload.previousAmount ?? null, answered: now },
          });
          if (now !== amount) {
            return step.failed(
              new RequestFailure('budget-mismatch', `Partner Center kept the budget at ${String(now)}`, {
                details: { answered: now },
              }),
            );
          }
          return step.succeeded({ amount: now });
        },
      },
    ],
    facts: budgetFacts,
  });
  return [set(SET_BUDGET_KIND, 0), set(RAISE_BUDGET_KIND, 1)];
}

function budgetFacts(_request: ActionRequest, payload: BudgetPayload): Fact[] {
  const money = (amount: number | null | undefined): Fact['value'] =>
    amount === null || amount === undefined
      ? { type: 'none' }
      : payload.currency
        ? { type: 'money', amount, currency: payload.currency }
        : amount;
  return [
    { key: 'customer', value: payload.customerName },
    ...(payload.previousAmount !== undefined
      ? [{ key: 'previousBudget', value: money(payload.previousAmount) }]
      : []),
    { key: 'budget', value: money(payload.amount) },
  ];
}
