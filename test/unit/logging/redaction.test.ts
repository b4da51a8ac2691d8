import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('log redaction', () => {
  it('never writes tokens, secrets or card submission payloads', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJ.secret.token' } },
        credentials: { clientSecret: 'pc-client-secret', refreshToken: 'sam-refresh-token' },
        token: 'raw-token',
        activity: { value: { reason: 'free text typed by a user' }, type: 'invoke' },
        cardValue: { approve: true },
      },
      'something happened',
    );
    const out = lines.join('');
    for (const secret of [
      'eyJ.secret.token',
      'pc-client-secret',
      'sam-refresh-token',
      'raw-token',
      'free text typed',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(out).toContain('"type":"invoke"');
  });

  it('keeps redacting in child loggers with a correlation id', () => {
    const { logger, lines } = capture();
    logger.child({ correlationId: 'c-1' }).warn({ accessToken: 'abc.def' }, 'call failed');
    const entry = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(entry.correlationId).toBe('c-1');
    expect(entry.accessToken).toBe('[redacted]');
  });
});
