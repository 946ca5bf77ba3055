-- The refresh benchmark's source: customers and orders with personal data, sized by :scale
-- (1.0 ≈ 1 GB with indexes). {CUSTOMERS} and {ORDERS} are replaced by row counts.
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');
CREATE TABLE customers (
    id          bigint PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    full_name   text NOT NULL,
    phone       text,
    address     text,
    city        text,
    created_at  timestamptz NOT NULL,
    notes       text
);
CREATE TABLE orders (
    id               bigint PRIMARY KEY,
    customer_id      bigint NOT NULL REFERENCES customers(id),
    status           order_status NOT NULL,
    amount           numeric(12,2) NOT NULL,
    shipping_address text,
    created_at       timestamptz NOT NULL
);
INSERT INTO customers
SELECT g,
       'customer.' || g || '@mail' || (g % 97) || '.example.org',
       (ARRAY['Emma','Liam','Olivia','Noah','Ava','Elijah','Sophia','James','Mia','Lucas','Amelia','Mason'])[1 + g % 12]
         || ' ' || (ARRAY['Smith','Johnson','Brown','Garcia','Miller','Davis','Martinez','Lopez','Wilson','Taylor','Moore'])[1 + (g / 12) % 11],
       '+1-' || (200 + g % 800) || '-' || lpad((g * 7919 % 10000000)::text, 7, '0'),
       (1 + g % 9999) || ' ' || (ARRAY['Main St','Oak Ave','Pine St','High St','Elm St','Maple Dr'])[1 + g % 6],
       (ARRAY['Springfield','Salem','Dover','Oxford','Clinton','Madison','Fairview','Bristol'])[1 + g % 8],
       timestamptz '2020-01-01' + (g % 1500) * interval '1 day' + (g % 86400) * interval '1 second',
       'customer since ' || (2000 + g % 24) || ', tier ' || (g % 5) || ', prefers ' || (ARRAY['mail','phone','none'])[1 + g % 3] || ' contact'
FROM generate_series(1::bigint, {CUSTOMERS}) g;
INSERT INTO orders
SELECT g,
       1 + (g * 104729) % {CUSTOMERS},
       (ARRAY['pending','paid','shipped','delivered','cancelled']::order_status[])[1 + g % 5],
       ((g * 7) % 100000) / 100.0 + 5,
       (1 + g % 9999) || ' ' || (ARRAY['Main St','Oak Ave','Pine St','High St'])[1 + g % 4] || ', ' || (ARRAY['Springfield','Salem','Dover','Oxford'])[1 + g % 4],
       timestamptz '2021-01-01' + (g % 1400) * interval '1 day' + (g % 86400) * interval '1 second'
FROM generate_series(1::bigint, {ORDERS}) g;
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX orders_created_idx ON orders (created_at);
