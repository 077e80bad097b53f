-- Texts and calls "sent" by the outbox delivery provider: the phone's inbox for development and tests.
CREATE TABLE outbox_messages (
    id TEXT NOT NULL PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    text TEXT NOT NULL,
    code TEXT NOT NULL,
    purpose TEXT NOT NULL,
    user_id TEXT NULL,
    created INTEGER NOT NULL,
    delete_after INTEGER NOT NULL
);
CREATE INDEX ix_outbox_messages_recipient ON outbox_messages (recipient, created);
CREATE INDEX ix_outbox_messages_created ON outbox_messages (created);
CREATE INDEX ix_outbox_messages_delete_after ON outbox_messages (delete_after);
