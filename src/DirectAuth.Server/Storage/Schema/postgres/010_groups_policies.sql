-- Groups of users, and authentication policies (per app, with rules that may target groups).
CREATE TABLE user_groups (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    normalized_name text NOT NULL,
    description text NULL,
    created timestamptz NOT NULL,
    last_updated timestamptz NOT NULL,
    last_membership_updated timestamptz NULL
);
CREATE UNIQUE INDEX ix_user_groups_normalized_name ON user_groups (normalized_name);

CREATE TABLE group_members (
    group_id text NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added timestamptz NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX ix_group_members_user ON group_members (user_id);

CREATE TABLE auth_policies (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    description text NULL,
    is_default boolean NOT NULL,
    created timestamptz NOT NULL,
    last_updated timestamptz NOT NULL
);

CREATE TABLE auth_policy_rules (
    id text NOT NULL PRIMARY KEY,
    policy_id text NOT NULL REFERENCES auth_policies (id) ON DELETE CASCADE,
    name text NOT NULL,
    priority integer NOT NULL,
    is_catch_all boolean NOT NULL,
    group_ids text NOT NULL,
    primary_factors text NOT NULL,
    second_factor text NOT NULL,
    second_factors text NOT NULL,
    number_challenge text NOT NULL,
    created timestamptz NOT NULL,
    last_updated timestamptz NOT NULL
);
CREATE INDEX ix_auth_policy_rules_policy ON auth_policy_rules (policy_id);

CREATE TABLE app_policies (
    client_id text NOT NULL PRIMARY KEY REFERENCES applications (client_id) ON DELETE CASCADE,
    policy_id text NOT NULL REFERENCES auth_policies (id),
    assigned timestamptz NOT NULL
);
CREATE INDEX ix_app_policies_policy ON app_policies (policy_id);
