-- Out-of-band transactions (oob_code): push, SMS and voice, as primary factor or MFA challenge.
-- seq orders a device's push events (the SSE event id); id is the public transaction id a device sees.
-- The oob_code is stored only as its SHA-256; the binding code (and push choices) only sealed.
-- A row with user_id NULL is a decoy for an unknown user or one not enrolled in the channel: it answers
-- like a real one and can never be approved, so /primary-authenticate does not reveal who exists.
CREATE TABLE oob_transactions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    code_hash BLOB NOT NULL,
    server_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    mfa_transaction_id TEXT NULL,
    user_id TEXT NULL,
    login_key TEXT NOT NULL,
    factor_id TEXT NULL,
    channel TEXT NOT NULL,
    binding_method TEXT NOT NULL,
    binding_sealed BLOB NULL,
    status TEXT NOT NULL,
    status_reason TEXT NULL,
    poll_interval INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    ip_address TEXT NULL,
    user_agent TEXT NULL,
    created INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    resolved_at INTEGER NULL
);
CREATE UNIQUE INDEX ix_oob_transactions_code ON oob_transactions (code_hash);
CREATE UNIQUE INDEX ix_oob_transactions_id ON oob_transactions (id);
CREATE INDEX ix_oob_transactions_login ON oob_transactions (login_key, created);
CREATE INDEX ix_oob_transactions_factor ON oob_transactions (factor_id, status, seq);
CREATE INDEX ix_oob_transactions_user ON oob_transactions (user_id, status, resolved_at);
CREATE INDEX ix_oob_transactions_expires ON oob_transactions (expires_at);
