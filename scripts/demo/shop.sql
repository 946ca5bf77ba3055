-- The demo source: a small shop with realistic personal data (names, emails, phones, addresses,
-- birth dates, card numbers) — about 1.3 million rows in all. Deterministic (setseed), so every
-- machine gets the same "production" data. Loaded by scripts/demo-source.sh into the demo source.
\set ON_ERROR_STOP on
SELECT setseed(0.42);

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');

CREATE TABLE customers (
    id          bigint PRIMARY KEY,
    full_name   text NOT NULL,
    email       text NOT NULL UNIQUE,
    phone       text,
    address     text,
    city        text,
    birth_date  date,
    created_at  timestamptz NOT NULL
);

CREATE TABLE products (
    id     bigint PRIMARY KEY,
    name   text NOT NULL,
    price  numeric(10,2) NOT NULL
);

CREATE TABLE orders (
    id               bigint PRIMARY KEY,
    customer_id      bigint NOT NULL REFERENCES customers(id),
    status           order_status NOT NULL,
    shipping_address text,
    total            numeric(12,2) NOT NULL,
    created_at       timestamptz NOT NULL
);

CREATE TABLE order_items (
    id          bigint PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders(id),
    product_id  bigint NOT NULL REFERENCES products(id),
    quantity    int NOT NULL,
    unit_price  numeric(10,2) NOT NULL
);

CREATE TABLE payments (
    id           bigint PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders(id),
    card_number  text NOT NULL,
    card_holder  text NOT NULL,
    amount       numeric(12,2) NOT NULL,
    paid_at      timestamptz NOT NULL
);

CREATE TEMP TABLE first_names(i int, n text);
INSERT INTO first_names SELECT row_number() OVER () - 1, n FROM unnest(ARRAY[
 'Emma','Liam','Olivia','Noah','Ava','Elijah','Sophia','James','Isabella','Lucas','Mia','Mason',
 'Amelia','Ethan','Harper','Logan','Evelyn','Oliver','Abigail','Aiden','Emily','Jacob','Ella','Henry',
 'Sofia','Jackson','Camila','Sebastian','Aria','Mateo','Scarlett','Leo','Chloe','Hannah','Yusuf','Aisha',
 'Wei','Mei','Hiroshi','Yuki','Raj','Priya','Carlos','Lucia','Jonas','Freya','Ivan','Olga']) AS n;
CREATE TEMP TABLE last_names(i int, n text);
INSERT INTO last_names SELECT row_number() OVER () - 1, n FROM unnest(ARRAY[
 'Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez','Martinez',
 'Hernandez','Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin',
 'Lee','Perez','Thompson','White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson','Walker',
 'Young','Allen','King','Wright','Scott','Torres','Nguyen','Hill','Flores','Schmidt','Muller',
 'Rossi','Dubois','Kowalski','Novak','Tanaka','Sato']) AS n;
CREATE TEMP TABLE streets(i int, n text);
INSERT INTO streets SELECT row_number() OVER () - 1, n FROM unnest(ARRAY[
 'Main St','Oak Ave','Maple Dr','Cedar Ln','Pine St','Elm St','Washington Blvd','Lake View Rd',
 'Hillcrest Ave','Sunset Blvd','Park Pl','River Rd','Church St','Mill Ln','Station Rd','High St']) AS n;
CREATE TEMP TABLE cities(i int, n text);
INSERT INTO cities SELECT row_number() OVER () - 1, n FROM unnest(ARRAY[
 'Springfield','Riverside','Franklin','Greenville','Bristol','Clinton','Fairview','Salem','Madison',
 'Georgetown','Arlington','Ashland','Dover','Oxford','Jackson','Burlington']) AS n;

INSERT INTO customers
SELECT g,
       f.n || ' ' || l.n,
       lower(f.n) || '.' || lower(l.n) || g || '@' || (ARRAY['example.com','mail.test','shop.test','inbox.test'])[1 + g % 4],
       '+1-' || lpad((200 + g % 800)::text, 3, '0') || '-' || lpad((g * 7919 % 10000000)::text, 7, '0'),
       (1 + g % 9999) || ' ' || s.n,
       c.n,
       date '1950-01-01' + (g * 37 % 20000)::int,
       timestamptz '2020-01-01' + (g % 1500) * interval '1 day' + (g % 86400) * interval '1 second'
FROM generate_series(1::bigint, 200000) g
JOIN first_names f ON f.i = g % 48
JOIN last_names l ON l.i = (g / 48) % 48
JOIN streets s ON s.i = g % 16
JOIN cities c ON c.i = (g / 16) % 16;

INSERT INTO products
SELECT g, 'Product ' || g, round((1 + random() * 499)::numeric, 2)
FROM generate_series(1::bigint, 1000) g;

INSERT INTO orders
SELECT g,
       1 + (g * 104729) % 200000,
       (ARRAY['pending','paid','shipped','delivered','cancelled']::order_status[])[1 + g % 5],
       (1 + g % 9999) || ' ' || (ARRAY['Main St','Oak Ave','Pine St','High St'])[1 + g % 4] || ', ' || (ARRAY['Springfield','Salem','Dover','Oxford'])[1 + g % 4],
       round((5 + random() * 995)::numeric, 2),
       timestamptz '2021-01-01' + (g % 1400) * interval '1 day' + (g % 86400) * interval '1 second'
FROM generate_series(1::bigint, 400000) g;

INSERT INTO order_items
SELECT g, 1 + (g - 1) % 400000, 1 + (g * 31) % 1000, 1 + g % 5, round((1 + random() * 499)::numeric, 2)
FROM generate_series(1::bigint, 400000) g;

INSERT INTO payments
SELECT g, g,
       '4' || lpad(((g::bigint * 982451653) % 1000000000000000)::text, 15, '0'),
       c.full_name,
       o.total,
       o.created_at + interval '5 minutes'
FROM generate_series(1::bigint, 300000) g
JOIN orders o ON o.id = g
JOIN customers c ON c.id = o.customer_id;

CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX order_items_order_idx ON order_items (order_id);
CREATE INDEX payments_order_idx ON payments (order_id);
ANALYZE;
