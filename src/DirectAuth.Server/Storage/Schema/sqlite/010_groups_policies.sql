-- Groups of users, and authentication policies (per app, with rules that may target groups).
CREATE TABLE user_groups (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    normalized_name TEXT NOT NULL,
    description TEXT NULL,
    created INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    last_membership_updated INTEGER NULL
);
CREATE UNIQUE INDEX ix_user_groups_normalized_name ON user_groups (normalized_name);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX ix_group_members_user ON group_members (user_id);

CREATE TABLE auth_policies (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NULL,
    is_default INTEGER NOT NULL,
    created INTEGER NOT NULL,
    last_updated INTEGER NOT NULL
);

CREATE TABLE auth_policy_rules (
    id TEXT NOT NULL PRIMARY KEY,
    policy_id TEXT NOT NULL REFERENCES auth_policies (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    priority INTEGER NOT NULL,
    is_catch_all INTEGER NOT NULL,
    group_ids TEXT NOT NULL,
    primary_factors TEXT NOT NULL,
    second_factor TEXT NOT NULL,
    second_factors TEXT NOT NULL,
    number_challenge TEXT NOT NULL,
    created INTEGER NOT NULL,
    last_updated INTEGER NOT NULL
);
CREATE INDEX ix_auth_policy_rules_policy ON auth_policy_rules (policy_id);

CREATE TABLE app_policies (
    client_id TEXT NOT NULL PRIMARY KEY REFERENCES applications (client_id) ON DELETE CASCADE,
    policy_id TEXT NOT NULL REFERENCES auth_policies (id),
    assigned INTEGER NOT NULL
);
CREATE INDEX ix_app_policies_policy ON app_policies (policy_id);
