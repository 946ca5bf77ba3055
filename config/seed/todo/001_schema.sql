-- A tiny schema-only template built from seed SQL (a migrations folder): no source needed.
CREATE TABLE todo (
    id         bigserial PRIMARY KEY,
    title      text NOT NULL,
    done       boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
