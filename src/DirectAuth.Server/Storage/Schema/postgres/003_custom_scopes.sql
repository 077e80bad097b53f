-- Custom scopes of authorization servers: description and creation time. Which scopes a server has is
-- authorization_servers.custom_scopes (read on every token request); this table only describes them.
CREATE TABLE custom_scopes (
    id text NOT NULL PRIMARY KEY,
    server_id text NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NULL,
    created timestamptz NOT NULL
);
CREATE UNIQUE INDEX ix_custom_scopes_server_name ON custom_scopes (server_id, name);
