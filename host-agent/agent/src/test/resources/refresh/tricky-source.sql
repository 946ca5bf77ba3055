-- A small source with everything that is hard to copy faithfully, plus planted canaries
-- (strings containing CANARY) in every masked column. Used by RefreshPipelineTest.
CREATE EXTENSION citext;
CREATE ROLE app_owner NOLOGIN;
CREATE ROLE app_reader LOGIN PASSWORD 'reader-secret-password';
GRANT app_owner TO app_reader;

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE SEQUENCE invoice_seq START 1000;
SELECT setval('invoice_seq', 1042);

CREATE TABLE customers (
    id           bigserial PRIMARY KEY,
    email        citext NOT NULL UNIQUE,
    full_name    text,
    phone        varchar(40),
    note         text,
    mood         mood,
    score        posint,
    tags         text[],
    profile      jsonb,
    photo        bytea,
    born         date,
    salary       numeric(12,2),
    created_at   timestamptz,
    email_domain text GENERATED ALWAYS AS (split_part(email::text, '@', 2)) STORED
);
ALTER TABLE customers OWNER TO app_owner;
COMMENT ON TABLE customers IS 'people; with a semicolon';
GRANT SELECT ON customers TO app_reader;

INSERT INTO customers (email, full_name, phone, note, mood, score, tags, profile, photo, born, salary, created_at)
SELECT 'user' || g || '@corp.example.org',
       (ARRAY['Alice','Bob','Carol','Dave'])[1 + g % 4] || ' Person' || g,
       '+1 (415) 555-' || lpad((g % 10000)::text, 4, '0'),
       'note ' || g,
       (ARRAY['sad','ok','happy']::mood[])[1 + g % 3],
       1 + g % 100,
       ARRAY['t' || g, 'x'],
       jsonb_build_object('contact', jsonb_build_object('email', 'user' || g || '@corp.example.org', 'phone', '+1 415 555 ' || lpad((g % 10000)::text, 4, '0')),
                          'prefs', jsonb_build_object('lang', 'de', 'n', g)),
       decode(md5(g::text), 'hex'),
       date '1960-01-01' + (g * 17 % 15000),
       (g * 37 % 100000) + 0.25,
       timestamptz '2021-01-01 00:00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 2000) g;

-- the tricky rows (and the canaries)
INSERT INTO customers (email, full_name, phone, note, mood, score, tags, profile, photo, born, salary, created_at) VALUES
 ('canary.one@CANARY-mail.example', 'Canaryfirst CANARY-name', '+44 20 CANARY 7946 0958', E'tab\there\nnew line\\backslash', 'ok', 7,
  ARRAY['a,b', 'c"d', NULL, E'e\\f', '{}', ''], '{"contact": {"email": "CANARY-json@x.example", "phone": "+1 555 0100"}, "free": "kept text"}',
  '\x00ff10'::bytea, '0044-03-15 BC', 'NaN', 'infinity'),
 ('second@b.example', 'Ünïcødé Ñame ✓', NULL, '\N', NULL, NULL, '{}', NULL, '\x'::bytea, NULL, NULL, NULL),
 ('third@c.example', NULL, '555 0199', E'unicode ünï©ødé ✓ 🚀 日本語 and \\x41 and \r\n', 'happy', 3, NULL,
  '{"contact": {"email": null}, "list": [1, 2.5, "x"]}', NULL, '-infinity', -12.5, '2020-02-29 23:59:59.999999+00'),
 ('',  'Empty Email', '', '', 'sad', 1, ARRAY[NULL]::text[], '{}', NULL, '2000-02-29', 0, '1999-12-31 23:00:00+00');

CREATE TABLE orders (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES customers(id),
    customer_email citext REFERENCES customers(email),
    status         mood NOT NULL,
    amount         numeric(10,2) CHECK (amount >= 0),
    shipping       text,
    placed_at      timestamp
);
CREATE INDEX orders_amount_idx ON orders (amount);
CREATE INDEX orders_lower_ship_idx ON orders (lower(shipping));
INSERT INTO orders (customer_id, customer_email, status, amount, shipping, placed_at)
SELECT c.id, c.email, c.mood_or, (c.id * 7 % 1000) / 4.0, (c.id % 900 + 1) || ' Main Street, Springfield', timestamp '2022-01-01' + c.id * interval '1 hour'
FROM (SELECT id, email, coalesce(mood, 'ok') AS mood_or FROM customers) c, generate_series(1, 3) k;
UPDATE orders SET shipping = '1 CANARY Road' WHERE id = 5;

CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- a comment inside a body; and a string with a semicolon;
  NEW.placed_at := coalesce(NEW.placed_at, now()::timestamp);
  RETURN NEW;
END $$;
CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_touch();

-- partitioned, rules declared on the parent
CREATE TABLE events (id bigint, at date NOT NULL, email text, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE events_2022 PARTITION OF events FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE INDEX events_at_idx ON events (at);
ALTER TABLE events ADD PRIMARY KEY (id, at);
INSERT INTO events SELECT g, date '2022-01-01' + (g % 700), 'user' || (g % 2000 + 1) || '@corp.example.org', jsonb_build_object('k', g)
FROM generate_series(1, 3000) g;

-- a foreign-key cycle
CREATE TABLE cyc_a (id int PRIMARY KEY, b_id int);
CREATE TABLE cyc_b (id int PRIMARY KEY, a_id int REFERENCES cyc_a(id));
ALTER TABLE cyc_a ADD CONSTRAINT cyc_a_b_fk FOREIGN KEY (b_id) REFERENCES cyc_b(id) DEFERRABLE INITIALLY DEFERRED;
BEGIN;
INSERT INTO cyc_a SELECT g, g FROM generate_series(1, 50) g;
INSERT INTO cyc_b SELECT g, g FROM generate_series(1, 50) g;
COMMIT;

-- unique phone numbers (the phone rule adds a uniqueness token here)
CREATE TABLE phone_book (id int PRIMARY KEY, phone text UNIQUE);
INSERT INTO phone_book SELECT g, '+1 650 555 ' || lpad(g::text, 4, '0') FROM generate_series(1, 500) g;

-- truncated: copied empty
CREATE TABLE audit_log (id bigserial PRIMARY KEY, who text, what text);
INSERT INTO audit_log (who, what) SELECT 'CANARY-audit-' || g, 'login from 10.0.0.' || (g % 250) FROM generate_series(1, 100) g;

-- identifiers that need quoting, no personal data
CREATE TABLE "Weird Table" ("Select" int, "col with space" text, "quote""d" text);
INSERT INTO "Weird Table" VALUES (1, 'a', 'b'), (2, NULL, E'c\td');

CREATE TABLE products (id int PRIMARY KEY, title text, price numeric(10,2), attrs jsonb, sizes int[]);
INSERT INTO products SELECT g, 'Widget ' || g, g * 1.5, jsonb_build_object('color', 'red', 'n', g), ARRAY[g, g + 1]
FROM generate_series(1, 5000) g;

CREATE VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
CREATE MATERIALIZED VIEW mood_counts AS SELECT mood, count(*) AS n FROM customers GROUP BY mood;

ANALYZE;
