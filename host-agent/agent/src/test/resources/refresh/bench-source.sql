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
-- emails, names and addresses are not in the order of id (production data is in signup order,
-- not alphabetical), so building their indexes costs the same before and after masking
INSERT INTO customers
SELECT g,
       lower(f) || '.' || lower(l) || (g * 7919 % 10000019) || '@mail' || (g % 97) || '.example.org',
       f || ' ' || l,
       '+1-' || (200 + (g * 31) % 800) || '-' || lpad((g * 7919 % 10000000)::text, 7, '0'),
       (1 + (g * 7907) % 9999) || ' ' || (ARRAY['Main St','Oak Ave','Pine St','High St','Elm St','Maple Dr'])[1 + (g * 5) % 6],
       (ARRAY['Springfield','Salem','Dover','Oxford','Clinton','Madison','Fairview','Bristol'])[1 + (g * 3) % 8],
       timestamptz '2020-01-01' + (g % 1500) * interval '1 day' + (g % 86400) * interval '1 second',
       'customer since ' || (2000 + g % 24) || ', tier ' || (g % 5) || ', prefers ' || (ARRAY['mail','phone','none'])[1 + g % 3] || ' contact'
FROM generate_series(1::bigint, {CUSTOMERS}) g,
     LATERAL (SELECT (ARRAY['Emma','Liam','Olivia','Noah','Ava','Elijah','Sophia','James','Mia','Lucas','Amelia','Mason',
                            'Harper','Ethan','Evelyn','Logan','Aria','Jacob','Chloe','Henry','Wei','Yuki','Raj','Lucia'])[1 + (g * 2654435761) % 24] AS f,
                     (ARRAY['Smith','Johnson','Brown','Garcia','Miller','Davis','Martinez','Lopez','Wilson','Taylor','Moore',
                            'Nguyen','Schmidt','Rossi','Tanaka','Kowalski','Dubois','Novak','Khan','Silva'])[1 + (g * 40503) % 20] AS l) n;
INSERT INTO orders
SELECT g,
       1 + (g * 104729) % {CUSTOMERS},
       (ARRAY['pending','paid','shipped','delivered','cancelled']::order_status[])[1 + g % 5],
       ((g * 7) % 100000) / 100.0 + 5,
       (1 + (g * 7901) % 9999) || ' ' || (ARRAY['Main St','Oak Ave','Pine St','High St'])[1 + (g * 3) % 4] || ', ' || (ARRAY['Springfield','Salem','Dover','Oxford'])[1 + (g * 7) % 4],
       timestamptz '2021-01-01' + (g % 1400) * interval '1 day' + (g % 86400) * interval '1 second'
FROM generate_series(1::bigint, {ORDERS}) g;
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX orders_created_idx ON orders (created_at);
