-- Issue 16 item 2: consecutive failed attempts of every factor per login (NIST SP 800-63B-4 §3.2.2, at most 100).
-- Unlike 'failures' (the timed lockout), only a completed sign-in or an administrator's unlock sets it back to 0.
ALTER TABLE sign_in_throttles ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
