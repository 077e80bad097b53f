-- Push authenticator: activation codes are looked up by their hash; each signed connect proof of a
-- device (its jti) is accepted once; number challenge "risky" asks whether a user has signed in before
-- from an IP or app, which the system log already records (user.session.start), so it gets an index.
CREATE INDEX ix_factors_activation ON factors (activation_hash);
CREATE TABLE push_device_proofs (
    factor_id TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (factor_id, jti)
);
CREATE INDEX ix_audit_events_actor ON audit_events (actor_id, event_type, published);
