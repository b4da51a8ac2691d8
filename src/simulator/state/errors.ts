/**
 * A documented Partner Center error: HTTP status, PC error code and description. Rules in the
 * engine throw it; the HTTP layer renders it as the PC error body.
 */
export class PcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly data: unknown[] = [],
  ) {
    super(`${status} ${code}: ${description}`);
    this.name = 'PcError';
  }
}

export const invalidInput = (description: string): PcError => new PcError(400, '800002', description);

export const subscriptionNotFound = (id: string): PcError =>
  new PcError(404, '20003', `Subscription with ID ${id} not found.`);

export const orderNotFound = (): PcError => new PcError(404, '20000', 'Order ID not found');

export const cartNotFound = (): PcError => new PcError(404, '800008', 'Unable to retrieve cart ID');
