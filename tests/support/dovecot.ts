/**
 * A real IMAP server for the mail tests: Debian's Dovecot (`apt-get install dovecot-imapd`, installed by .ci/run),
 * started with a throwaway configuration in a temporary folder, listening on a free loopback port, with one
 * passwd-file user and a Maildir. Plain-text login is allowed because it never leaves 127.0.0.1. Messages are put
 * in with IMAP APPEND, as a mail server's delivery would leave them.
 *
 * A missing dovecot binary fails the test with the install command: these tests never skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

export const dovecotBinary = '/usr/sbin/dovecot';

export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  pass: string;
  mailbox: string;
  /** Appends a raw message (IMAP APPEND); returns its UID. */
  append(raw: string | Buffer, flags?: string[]): Promise<number>;
  /** Every message in the mailbox with its flags (a second connection, as another mail client would see it). */
  messages(): Promise<{ uid: number; flags: string[]; messageId?: string }[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers with its IMAP greeting. */
async function greeting(port: number, timeoutMs: number, log: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      let data = '';
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(false);
      });
      s.on('data', (d) => {
        data += d.toString();
        if (data.includes('* OK')) {
          s.end('a LOGOUT\r\n');
          resolve(true);
        }
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`dovecot did not answer on 127.0.0.1:${port} within ${timeoutMs} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDovecot(opts: { user?: string; pass?: string } = {}): Promise<DovecotServer> {
  if (!existsSync(dovecotBinary)) {
    throw new Error(`${dovecotBinary} is missing: the mail tests need a real IMAP server. Install it with \`apt-get install -y dovecot-imapd\` (.ci/run does).`);
  }
  const user = opts.user ?? 'opinions';
  const pass = opts.pass ?? 'mailbox-test-secret';
  const root = mkdtempSync(join(tmpdir(), 'dovecot-test-'));
  // The mail processes run as the `dovecot` user when we are root (Dovecot refuses to give mail to root), else as us.
  const asRoot = process.getuid?.() === 0;
  const me = userInfo();
  const mailUser = asRoot ? 'dovecot' : me.username;
  const loginUser = asRoot ? 'dovenull' : me.username;
  for (const d of ['run', 'state', 'home']) mkdirSync(join(root, d));
  chmodSync(root, 0o755);
  if (asRoot) {
    const uid = Number(readPasswdField('dovecot', 2));
    const gid = Number(readPasswdField('dovecot', 3));
    chownSync(join(root, 'home'), uid, gid);
  }
  const port = await freePort();
  const log = join(root, 'dovecot.log');
  writeFileSync(join(root, 'passwd'), `${user}:{PLAIN}${pass}\n`, { mode: 0o644 });
  writeFileSync(
    join(root, 'dovecot.conf'),
    `# Throwaway test configuration (tests/support/dovecot.ts)
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${mailUser}
default_login_user = ${loginUser}
first_valid_uid = 0
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/passwd
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${asRoot ? 'dovecot' : me.gid} home=${root}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  const readLog = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no log)');
  const proc: ChildProcess = spawn(dovecotBinary, ['-F', '-c', join(root, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  let exited: number | null = null;
  proc.on('exit', (code) => (exited = code ?? -1));
  try {
    await greeting(port, 15_000, () => `${output}\n${readLog()}`);
  } catch (e) {
    proc.kill('SIGTERM');
    throw e;
  }
  if (exited !== null) throw new Error(`dovecot exited (${exited}):\n${output}\n${readLog()}`);

  const mailbox = 'INBOX';
  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false, disableAutoIdle: true });
    await c.connect();
    return c;
  };
  return {
    host: '127.0.0.1',
    port,
    user,
    pass,
    mailbox,
    async append(raw, flags = []) {
      const c = await client();
      try {
        const r = await c.append(mailbox, raw, flags);
        if (!r || !r.uid) throw new Error('APPEND returned no UID');
        return r.uid;
      } finally {
        await c.logout();
      }
    },
    async messages() {
      const c = await client();
      try {
        const lock = await c.getMailboxLock(mailbox);
        try {
          // An empty mailbox has no message 1 to fetch.
          if (!c.mailbox || c.mailbox.exists === 0) return [];
          const all = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true });
          return all.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])].sort(), messageId: m.envelope?.messageId }));
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
    },
    async stop() {
      if (exited === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            proc.kill('SIGKILL');
            resolve();
          }, 5000);
          proc.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          proc.kill('SIGTERM');
        });
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A field of /etc/passwd for a user (0-based: name, x, uid, gid, …). */
function readPasswdField(name: string, field: number): string {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`user ${name} does not exist (it comes with dovecot-core: apt-get install -y dovecot-imapd)`);
  return line.split(':')[field];
}
