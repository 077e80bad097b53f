-- Sessions of the My Account page (/myaccount): the cookie holds a random handle, the table only its SHA-256.
-- A session copies what the access token the page signed in with said (user, client, server, scopes, amr,
-- auth_time) and ends when that token would have expired, or at sign-out.
CREATE TABLE myaccount_sessions (
    id TEXT NOT NULL PRIMARY KEY,
    handle_hash BLOB NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    server_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    amr TEXT NOT NULL,
    acr TEXT NULL,
    auth_time INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_myaccount_sessions_handle ON myaccount_sessions (handle_hash);
CREATE INDEX ix_myaccount_sessions_expires ON myaccount_sessions (expires_at);
