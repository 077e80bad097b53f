-- Per phone number (or per login for sign-ins of logins without a phone): the last text or call and the count in the current hour (resend interval, hourly cap).
CREATE TABLE phone_send_limits (
    limit_key TEXT NOT NULL PRIMARY KEY,
    last_sent_at INTEGER NULL,
    window_start INTEGER NULL,
    window_count INTEGER NOT NULL DEFAULT 0
);
