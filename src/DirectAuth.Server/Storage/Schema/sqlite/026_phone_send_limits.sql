-- Per phone number: the last text or call and the count in the current hour (resend interval, hourly cap).
CREATE TABLE phone_send_limits (
    phone TEXT NOT NULL PRIMARY KEY,
    last_sent_at INTEGER NULL,
    window_start INTEGER NULL,
    window_count INTEGER NOT NULL DEFAULT 0
);
