-- Okta API scopes (okta.myAccount.*) an admin granted to an app (POST /api/v1/apps/{clientId}/grants), space separated.
ALTER TABLE applications ADD COLUMN granted_scopes TEXT NOT NULL DEFAULT '';
