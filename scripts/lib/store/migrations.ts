/**
 * The store's schema, one migration per version (PRAGMA user_version = how many have been applied). A migration
 * is never edited once released: a change is a new entry at the end. Every earlier version is upgraded at start
 * and tested (tests/unit/store.test.ts applies each prefix, writes data, then the rest).
 *
 * Why one SQLite database (issue 11): the outbox journal, the one-JSON-file-per-issue tracker and its marker files
 * were coordinated by hand; a crash between the issue file and its marker file turned one submission into two
 * issues, and read-modify-write of issue files lost concurrent updates. Here each of those is one transaction,
 * and uniqueness is a constraint, not a convention.
 */
export const migrations: readonly string[] = [
  // 1: outbox, embedded tracker, the code index for /track, one-time form tokens.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  -- One row per accepted submission: the outbox job and, once delivered, where it went.
  CREATE TABLE submissions (
    hash TEXT PRIMARY KEY,                 -- six-character code part (tracking-code.ts)
    tracking_code TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,         -- HMAC of the idempotency key: one key, one submission
    content_hash TEXT,                     -- HMAC of the canonical content (null for imported legacy jobs)
    received_at TEXT NOT NULL,
    job TEXT NOT NULL,                     -- the OutboxJob, JSON
    issue_number INTEGER,
    issue_url TEXT,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,    -- failed deliveries so far (the retry schedule itself is in memory)
    last_error TEXT
  ) WITHOUT ROWID;
  CREATE INDEX submissions_pending ON submissions (received_at) WHERE issue_number IS NULL;
  CREATE INDEX submissions_issue ON submissions (issue_number);

  -- The embedded tracker (scripts/lib/tracker/local.ts).
  CREATE TABLE tracker_issues (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    marker TEXT UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
  );
  CREATE INDEX tracker_issues_updated ON tracker_issues (updated_at);
  CREATE TABLE tracker_issue_labels (
    issue INTEGER NOT NULL REFERENCES tracker_issues (number) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (issue, name)
  );                                       -- rowid kept: labels list in the order they were added
  CREATE TABLE tracker_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issue INTEGER NOT NULL REFERENCES tracker_issues (number) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX tracker_comments_issue ON tracker_comments (issue, id);
  CREATE TABLE tracker_labels (name TEXT PRIMARY KEY, color TEXT NOT NULL, description TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE tracker_people (login TEXT PRIMARY KEY, permission TEXT NOT NULL) WITHOUT ROWID;

  -- What /track needs of each GitHub issue, learned from the webhook and the sync (no public request calls GitHub).
  CREATE TABLE issue_status (
    number INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    labels TEXT NOT NULL,                  -- JSON array of label names
    updated_at TEXT NOT NULL
  );

  -- Form tokens already spent on a submission (a token is good for one): \`use\` is the hash of the submission's
  -- idempotency key, so the same form posted twice gets its receipt again (one-time-tokens.ts).
  CREATE TABLE used_form_tokens (id TEXT PRIMARY KEY, use TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // 2: personal data kept on the bureau's server (issue 12): sealed records, staff tokens, the access log; the
  // close time of GitHub issues, from which the retention period runs.
  `
  -- Name, contact and the original text of one opinion, sealed to the bureau's public key (scripts/lib/sealed.ts).
  -- A web submission is found by its tracking code, an offline opinion entered by staff by its issue number.
  CREATE TABLE personal_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_code TEXT UNIQUE,
    issue_number INTEGER UNIQUE,
    sealed TEXT,                           -- null once erased
    created_at TEXT NOT NULL,
    erased_at TEXT,
    erased_why TEXT,                       -- 'retention' | 'request'
    CHECK (tracking_code IS NOT NULL OR issue_number IS NOT NULL)
  );

  -- One token per member of staff; only its SHA-256 is kept, so the table leaks no usable token.
  CREATE TABLE staff_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'lead')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );

  -- Every read, addition and erasure of a personal record: who, when, which record (PIPL art. 54 audits).
  CREATE TABLE access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    person TEXT NOT NULL,
    token_id INTEGER,
    action TEXT NOT NULL,                  -- 'read' | 'add' | 'erase' | 'purge' | 'refused'
    record TEXT NOT NULL                   -- the tracking code or #issue asked for
  );

  ALTER TABLE issue_status ADD COLUMN closed_at TEXT;
  `,
  // 3: the dedicated mailbox both ways and the submitter's verdict (issue 14).
  `
  -- Every message read from the dedicated mailbox, by Message-ID: one message never becomes two opinions.
  CREATE TABLE mail_processed (
    message_key TEXT PRIMARY KEY,          -- the Message-ID, or a stable hash of the headers when there is none
    result TEXT NOT NULL,                  -- 'opinion' | 'invalid' | 'skip:<reason>'
    tracking_code TEXT,
    processed_at TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Mail and SMS waiting to go out, and what went: a mail server that is down delays mail, never loses it.
  -- The payload holds an address and an answer, so it is encrypted with the server's own key (outgoing-fs.ts).
  CREATE TABLE outgoing (
    key TEXT PRIMARY KEY,                  -- e.g. receipt:JY-2026-7K3M9Q; one message per key, ever
    kind TEXT NOT NULL,                    -- receipt | reply | reminder | note | verdict-request
    channel TEXT NOT NULL CHECK (channel IN ('mail', 'sms')),
    recipient_hash TEXT NOT NULL,          -- HMAC of the address: receipt throttling without keeping the address
    tracking_code TEXT,
    payload TEXT,                          -- encrypted; null once sent (what was sent need not be kept)
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_at INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    last_error TEXT
  ) WITHOUT ROWID;
  CREATE INDEX outgoing_due ON outgoing (status, next_at);
  CREATE INDEX outgoing_recipient ON outgoing (recipient_hash, sent_at);

  -- Where the server may write back to a submitter (the contact, encrypted with the server's key): kept with the
  -- sealed record and erased with it.
  CREATE TABLE reply_addresses (
    tracking_code TEXT PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('mail', 'sms')),
    address TEXT,                          -- encrypted; null once erased
    thread TEXT                            -- Message-ID of the submitter's mail, to thread answers to it
  ) WITHOUT ROWID;

  -- Attachments of mailed opinions, sealed to the bureau's public key like the rest of the personal record.
  CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_code TEXT NOT NULL,
    sealed TEXT,                           -- null once erased
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX attachments_code ON attachments (tracking_code);

  -- The submitter's verdict on the reply (好差评, 国办发〔2019〕51号): one per code, changeable for a while.
  CREATE TABLE verdicts (
    tracking_code TEXT PRIMARY KEY,
    verdict TEXT NOT NULL CHECK (verdict IN ('satisfied', 'basically', 'unsatisfied')),
    reason TEXT,                           -- redacted before it is stored
    given_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changeable_until TEXT NOT NULL,        -- YYYY-MM-DD, 15 working days after the first verdict
    synced_at TEXT                         -- when the issue got its comment and label
  ) WITHOUT ROWID;
  `,
  // 4: submissions as an ordinary rowid table. Version 1 made it WITHOUT ROWID, keyed by the random code part, with
  // each row's ~4 KB job inline: every insert then landed on a random leaf of a b-tree of large rows (SQLite advises
  // WITHOUT ROWID only for rows under about 1/20 of a page: https://www.sqlite.org/withoutrowid.html#when_to_use_without_rowid).
  // Rows now append in arrival order and only the small key indexes take random inserts: 20,000 rows in pairs per
  // transaction, as the server writes them, cost 105 µs of CPU per row instead of 190, and 12% less file
  // (a node:sqlite micro-benchmark of this table alone, issue 11).
  `
  CREATE TABLE submissions_v4 (
    id INTEGER PRIMARY KEY,                -- arrival order
    hash TEXT NOT NULL UNIQUE,             -- six-character code part (tracking-code.ts)
    tracking_code TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,         -- HMAC of the idempotency key: one key, one submission
    content_hash TEXT,                     -- HMAC of the canonical content (null for imported legacy jobs)
    received_at TEXT NOT NULL,
    job TEXT NOT NULL,                     -- the OutboxJob, JSON
    issue_number INTEGER,
    issue_url TEXT,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,    -- failed deliveries so far (the retry schedule itself is in memory)
    last_error TEXT
  );
  INSERT INTO submissions_v4 (hash, tracking_code, key_hash, content_hash, received_at, job, issue_number, issue_url, delivered_at, attempts, last_error)
    SELECT hash, tracking_code, key_hash, content_hash, received_at, job, issue_number, issue_url, delivered_at, attempts, last_error
    FROM submissions ORDER BY received_at, hash;
  DROP TABLE submissions;
  ALTER TABLE submissions_v4 RENAME TO submissions;
  CREATE INDEX submissions_pending ON submissions (received_at) WHERE issue_number IS NULL;
  CREATE INDEX submissions_issue ON submissions (issue_number);
  `,
];
