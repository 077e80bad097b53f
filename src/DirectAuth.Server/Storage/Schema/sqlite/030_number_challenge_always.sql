-- Issue 16 item 3: the default push number challenge is now 'always' (NIST SP 800-63B-4 §3.1.3 no longer accepts an
-- approve-only push). Catch-all rules the server seeded with the old default ('risky') and no one has edited since
-- (created = last_updated: every rule PUT moves last_updated) take the new default; a rule an administrator wrote
-- or edited keeps what it says.
UPDATE auth_policy_rules SET number_challenge = 'always'
WHERE is_catch_all = 1 AND number_challenge = 'risky' AND created = last_updated;
