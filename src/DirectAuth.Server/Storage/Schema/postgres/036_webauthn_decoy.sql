-- A challenge issued for a login_hint that names nobody (or a user without a passkey) is a decoy: it can never be
-- redeemed, not even by another user's discoverable credential.
ALTER TABLE webauthn_challenges ADD COLUMN decoy boolean NOT NULL DEFAULT false;
