/**
 * A local stand-in for an SMS gateway: a real HTTP server (node:http on 127.0.0.1, port 0) that accepts JSON
 * POSTs with a bearer token, keeps every request for tests to inspect, and can be told to answer the next
 * requests with an error status (a provider's 5xx or rate limit, or a 400 for a bad number).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SmsRequest {
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface SmsStandIn {
  url: string;
  requests: SmsRequest[];
  failNext(status: number, times?: number): void;
  stop(): Promise<void>;
}

export async function startSmsStandIn(opts: { token: string }): Promise<SmsStandIn> {
  const requests: SmsRequest[] = [];
  const failures: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/sms/send') return reply(404, { error: 'not found' });
      if (req.headers.authorization !== `Bearer ${opts.token}`) return reply(401, { error: 'bad token' });
      if (!String(req.headers['content-type']).startsWith('application/json')) return reply(415, { error: 'json only' });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: 'invalid json' });
      }
      const failure = failures.shift();
      if (failure) return reply(failure, { error: `injected ${failure}` });
      requests.push({ headers: req.headers, body });
      reply(200, { id: `sms-${requests.length}`, status: 'queued' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    requests,
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
