/**
 * A real SMTP server in the test process (the `smtp-server` package on 127.0.0.1, a free port) that keeps every
 * message it accepts, parsed with mailparser, for tests to inspect. It can require a login, and can be told to
 * answer the next messages with an SMTP error (4xx "try later", 5xx "no such user") the way a provider does.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  /** Login used, if any. */
  user?: string;
}

export interface SmtpStandIn {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** The next `times` messages get this SMTP reply instead of 250. */
  failNext(code: number, message: string, times?: number): void;
  stop(): Promise<void>;
}

export async function startSmtpServer(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpStandIn> {
  const received: ReceivedMail[] = [];
  const failures: { code: number; message: string }[] = [];
  const server = new SMTPServer({
    // Loopback only, so no TLS: the client is told there is no STARTTLS.
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !opts.auth,
    logger: false,
    size: 30 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return callback(null, { user: auth.username });
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) return callback(Object.assign(new Error(failure.message), { responseCode: failure.code }));
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              user: typeof session.user === 'string' ? session.user : undefined,
            });
            callback();
          })
          .catch((e) => callback(e));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';
  return {
    port,
    url: `smtp://${cred}127.0.0.1:${port}`,
    received,
    failNext(code, message, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ code, message });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
