import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Just enough of an RFC 6455 client to read the Playground's JSON event streams: text messages in,
 * ping answered, close handshake out. Node 20 has no WebSocket client without a flag and the project
 * declares no WebSocket dependency, so the tests carry this one instead of borrowing a transitive one.
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface TextWebSocket {
  close(): Promise<void>;
}

export interface TextWebSocketHandlers {
  onText(text: string): void;
  onError?(error: Error): void;
}

/** A client frame: always masked, as the protocol requires of clients. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 126]), Buffer.from([length >> 8, length & 0xff])]);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  size: number;
}

/** Reads one frame from the front of `buffer`, or undefined when it has not fully arrived yet. */
function readFrame(buffer: Buffer): Frame | undefined {
  if (buffer.length < 2) return undefined;
  const fin = (buffer[0] & 0x80) !== 0;
  const opcode = buffer[0] & 0x0f;
  const masked = (buffer[1] & 0x80) !== 0;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskKey = masked ? buffer.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return undefined;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (maskKey) for (let i = 0; i < payload.length; i += 1) payload[i] ^= maskKey[i % 4];
  return { fin, opcode, payload, size: offset + length };
}

export function openTextWebSocket(url: string, handlers: TextWebSocketHandlers): Promise<TextWebSocket> {
  const target = new URL(url);
  const key = randomBytes(16).toString('base64');
  const expectedAccept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const req = request({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
      },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      res.resume();
      reject(new Error(`${url}: expected a WebSocket upgrade, got HTTP ${res.statusCode}`));
    });
    req.once('upgrade', (res, socket: Socket, head: Buffer) => {
      if (res.headers['sec-websocket-accept'] !== expectedAccept) {
        socket.destroy();
        reject(new Error(`${url}: bad Sec-WebSocket-Accept`));
        return;
      }
      let pending = Buffer.from(head);
      let fragments: Buffer[] = [];
      let closing = false;
      const closed = new Promise<void>((done) => socket.once('close', () => done()));

      const handleFrame = (frame: Frame): void => {
        switch (frame.opcode) {
          case OPCODE.text:
          case OPCODE.binary:
          case OPCODE.continuation:
            fragments.push(frame.payload);
            if (frame.fin) {
              const text = Buffer.concat(fragments).toString('utf8');
              fragments = [];
              handlers.onText(text);
            }
            break;
          case OPCODE.ping:
            socket.write(clientFrame(OPCODE.pong, frame.payload));
            break;
          case OPCODE.close:
            if (!closing) socket.write(clientFrame(OPCODE.close, frame.payload.subarray(0, 2)));
            closing = true;
            socket.end();
            break;
          default:
            break;
        }
      };

      socket.on('data', (data: Buffer) => {
        pending = Buffer.concat([pending, data]);
        for (let frame = readFrame(pending); frame; frame = readFrame(pending)) {
          pending = pending.subarray(frame.size);
          handleFrame(frame);
        }
      });
      socket.on('error', (error: Error) => handlers.onError?.(error));

      resolve({
        close: async () => {
          if (!socket.destroyed && !closing) {
            closing = true;
            socket.write(clientFrame(OPCODE.close, Buffer.from([0x03, 0xe8]))); // 1000: normal closure
          }
          const timer = setTimeout(() => socket.destroy(), 1000);
          await closed;
          clearTimeout(timer);
        },
      });
      if (pending.length > 0) socket.emit('data', Buffer.alloc(0));
    });
    req.end();
  });
}
