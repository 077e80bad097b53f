-- Sessions of the My Account page (/myaccount): the cookie holds a random handle, the table only its SHA-256.
-- A session copies what the access token the page signed in with said (user, client, server, scopes, amr,
-- auth_time) and ends when that token would have expired, or at sign-out.
CREATE TABLE myaccount_sessions (
    id text NOT NULL PRIMARY KEY,
    handle_hash bytea NOT NULL,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id text NOT NULL,
    server_id text NOT NULL,
    scopes text NOT NULL,
    amr text NOT NULL,
    acr text NULL,
    auth_time timestamptz NOT NULL,
    created timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX ix_myaccount_sessions_handle ON myaccount_sessions (handle_hash);
CREATE INDEX ix_myaccount_sessions_expires ON myaccount_sessions (expires_at);
