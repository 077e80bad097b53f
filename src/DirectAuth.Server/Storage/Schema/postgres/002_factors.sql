-- Enrolled authenticators (Okta factors), shared by TOTP, push, SMS and voice.
CREATE TABLE factors (
    id text NOT NULL PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    factor_type text NOT NULL,
    provider text NOT NULL,
    status text NOT NULL,
    created timestamptz NOT NULL,
    last_updated timestamptz NOT NULL,
    profile text NULL,
    sealed_secret bytea NULL,
    public_key text NULL,
    last_used_step bigint NULL,
    failed_attempts integer NOT NULL DEFAULT 0,
    failure_window_start timestamptz NULL,
    activation_hash bytea NULL,
    activation_expires_at timestamptz NULL
);
CREATE INDEX ix_factors_user ON factors (user_id);
