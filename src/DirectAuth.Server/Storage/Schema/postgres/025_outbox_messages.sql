-- Texts and calls "sent" by the outbox delivery provider: the phone's inbox for development and tests.
CREATE TABLE outbox_messages (
    id text NOT NULL PRIMARY KEY,
    channel text NOT NULL,
    recipient text NOT NULL,
    text text NOT NULL,
    code text NOT NULL,
    purpose text NOT NULL,
    user_id text NULL,
    created timestamptz NOT NULL,
    delete_after timestamptz NOT NULL
);
CREATE INDEX ix_outbox_messages_recipient ON outbox_messages (recipient, created);
CREATE INDEX ix_outbox_messages_created ON outbox_messages (created);
CREATE INDEX ix_outbox_messages_delete_after ON outbox_messages (delete_after);
