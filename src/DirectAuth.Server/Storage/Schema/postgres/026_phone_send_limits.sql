-- Per phone number (or per login for sign-ins of logins without a phone): the last text or call and the count in the current hour (resend interval, hourly cap).
CREATE TABLE phone_send_limits (
    limit_key text NOT NULL PRIMARY KEY,
    last_sent_at timestamptz NULL,
    window_start timestamptz NULL,
    window_count integer NOT NULL DEFAULT 0
);
