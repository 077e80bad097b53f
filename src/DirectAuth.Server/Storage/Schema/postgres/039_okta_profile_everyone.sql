-- Okta's base user profile attributes beyond the five with columns (displayName, nickName, ...), as a JSON object.
ALTER TABLE users ADD COLUMN profile_attributes TEXT NULL;
-- OKTA_GROUP for an admin's group, BUILT_IN for Everyone (created on start; every user is a member).
ALTER TABLE user_groups ADD COLUMN group_type TEXT NOT NULL DEFAULT 'OKTA_GROUP';
-- A group an admin named Everyone before the built-in one existed keeps its members and policy rules under a new name.
UPDATE user_groups SET name = name || ' (renamed)', normalized_name = normalized_name || ' (RENAMED)' WHERE normalized_name = 'EVERYONE';
