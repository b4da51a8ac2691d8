import { connectorRetryAfterMs, connectorRetryPolicy } from '../../../src/bot/proactive';

/** The shape the Bot Connector client gives a refused call (its RestError): status and response headers. */
function connectorError(status: number, retryAfter?: string): Error {
  const error = new Error(`status ${status}`) as Error & { statusCode: number; response: unknown };
  error.statusCode = status;
  error.response = { headers: new Map(retryAfter === undefined ? [] : [['retry-after', retryAfter]]) };
  return error;
}

describe('proactive sends and the Bot Connector’s Retry-After', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(connectorRetryAfterMs(connectorError(429, '7'), now)).toBe(7_000);
    expect(connectorRetryAfterMs(connectorError(429, 'Tue, 01 Dec 2026 10:00:03 GMT'), now)).toBe(3_000);
    expect(connectorRetryAfterMs(connectorError(429), now)).toBeUndefined();
    expect(connectorRetryAfterMs({ response: { headers: { 'retry-after': '2' } } }, now)).toBe(2_000);
  });

  it('waits at least the Retry-After before trying a throttled send again, and backs off otherwise', async () => {
    const policy = connectorRetryPolicy({ initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 });
    const delays: number[] = [];
    policy.onRetry((event) => {
      if ('delay' in event) delays.push(event.delay);
    });
    let calls = 0;
    const answer = await policy.execute(async () => {
      calls += 1;
      if (calls === 1) throw connectorError(429, '0.05');
      if (calls === 2) throw connectorError(429);
      return 'sent';
    });
    expect(answer).toBe('sent');
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[1]).toBeLessThanOrEqual(2);
  });

  it('does not retry what is not throttling', async () => {
    const policy = connectorRetryPolicy({ initialDelayMs: 1 });
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls += 1;
        throw connectorError(403);
      }),
    ).rejects.toThrow('status 403');
    expect(calls).toBe(1);
  });
});
