-- Policy rules: whether a passkey used with user verification satisfies a rule that needs a second factor on
-- its own (default yes, PROTOCOL.md section 9).
ALTER TABLE auth_policy_rules ADD COLUMN passkey_counts_as_two_factors INTEGER NOT NULL DEFAULT 1;
-- Issue 10: the defaults now allow a passkey as the primary factor and accept it as a second factor. Catch-all
-- rules the server seeded with the old defaults and no one has edited since (created = last_updated) take them.
UPDATE auth_policy_rules SET primary_factors = 'password webauthn', second_factors = second_factors || ' webauthn'
WHERE is_catch_all = 1 AND primary_factors = 'password' AND created = last_updated;
