-- A TPC-H data generator of our own, in SQL (dbgen is not a Debian
-- package): the sizes and value distributions of the TPC Benchmark H
-- Standard Specification 3.0, clause 4.2.3, at scale factor :sf.
--
--   psql -v sf=1 -f schema.sql -f generate.sql -f keys.sql
--
-- Rows: region 5, nation 25, supplier 10,000 x SF, part 200,000 x SF,
-- partsupp 4 per part, customer 150,000 x SF, orders 1,500,000 x SF with 1
-- to 7 lineitems each (about 6,000,000 x SF). Keys, dates, flags, prices
-- and the formulas that tie them (o_orderkey's sparse keys, ps_suppkey and
-- l_suppkey from the part key, l_extendedprice from p_retailprice,
-- l_returnflag and l_linestatus from the current date 1995-06-17,
-- o_orderstatus and o_totalprice from the order's lines) follow the
-- specification. Text columns: as dbgen, substrings of a pool of random
-- sentences over the specification's word lists (the pool here is 20,000
-- sentences, not dbgen's 300 MB); five suppliers per SF carry "Customer ...
-- Complaints" and five "Customer ... Recommends" (query 16). Random values
-- come from one seeded random() stream, so two runs give the same data.
\if :{?sf}
\else
\set sf 1
\endif
SET max_parallel_workers_per_gather = 0; -- one random() stream
SELECT setseed(0.4242) \gset

CREATE TEMP TABLE words AS
SELECT n::int, word
FROM unnest(ARRAY[
  -- nouns
  'foxes', 'ideas', 'theodolites', 'pinto beans', 'instructions', 'dependencies', 'excuses', 'platelets',
  'asymptotes', 'courts', 'dolphins', 'multipliers', 'sauternes', 'warthogs', 'frets', 'dinos',
  'attainments', 'somas', 'Tiresias', 'patterns', 'forges', 'braids', 'hockey players', 'frays',
  'warhorses', 'dugouts', 'notornis', 'epitaphs', 'pearls', 'tithes', 'waters', 'orbits', 'gifts',
  'sheaves', 'depths', 'sentiments', 'decoys', 'realms', 'pains', 'grouches', 'escapades', 'packages',
  'requests', 'accounts', 'deposits',
  -- verbs
  'sleep', 'wake', 'are', 'cajole', 'haggle', 'nag', 'use', 'boost', 'affix', 'detect', 'integrate',
  'maintain', 'nod', 'was', 'lose', 'sublate', 'solve', 'thrash', 'promise', 'engage', 'hinder', 'print',
  'x-ray', 'breach', 'eat', 'grow', 'impress', 'mold', 'poach', 'serve', 'run', 'dazzle', 'snooze', 'doze',
  'unwind', 'kindle', 'play', 'hang', 'believe', 'doubt',
  -- adjectives
  'furious', 'sly', 'careful', 'blithe', 'quick', 'fluffy', 'slow', 'quiet', 'ruthless', 'thin', 'close',
  'dogged', 'daring', 'brave', 'stealthy', 'permanent', 'enticing', 'idle', 'busy', 'regular', 'final',
  'ironic', 'even', 'bold', 'silent', 'special', 'pending', 'express', 'unusual',
  -- adverbs
  'sometimes', 'always', 'never', 'furiously', 'slyly', 'carefully', 'blithely', 'quickly', 'fluffily',
  'slowly', 'quietly', 'ruthlessly', 'thinly', 'closely', 'doggedly', 'daringly', 'bravely', 'stealthily',
  'permanently', 'enticingly', 'idly', 'busily', 'regularly', 'finally', 'ironically', 'evenly', 'boldly',
  'silently',
  -- prepositions and auxiliaries
  'about', 'above', 'according to', 'across', 'after', 'against', 'along', 'among', 'around', 'at', 'atop',
  'before', 'behind', 'beneath', 'beside', 'besides', 'between', 'beyond', 'by', 'despite', 'during',
  'except', 'for', 'from', 'in place of', 'inside', 'instead of', 'into', 'near', 'of', 'on', 'outside',
  'over', 'past', 'since', 'through', 'throughout', 'to', 'toward', 'under', 'until', 'up', 'upon',
  'without', 'with', 'within', 'do', 'may', 'might', 'shall', 'will', 'would', 'can', 'could', 'should',
  'must', 'need to', 'try to'
]) WITH ORDINALITY AS w(word, n);

CREATE TEMP TABLE text_pool AS
SELECT s.id, string_agg(w.word, ' ' ORDER BY s.pos) AS sentence
FROM (SELECT id, pos, 1 + floor(random() * (SELECT count(*) FROM words))::int AS pick
      FROM generate_series(1, 20000) id, generate_series(1, 30) pos) s
JOIN words w ON w.n = s.pick
GROUP BY s.id;
ANALYZE text_pool;

-- text of `len` characters from a random sentence (dbgen: a random
-- substring of its text pool).
CREATE FUNCTION pg_temp.pool_id() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1 + floor(random() * 20000)::int';

CREATE TEMP TABLE colors AS
SELECT n::int, c
FROM unnest(ARRAY[
  'almond', 'antique', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blanched', 'blue', 'blush',
  'brown', 'burlywood', 'burnished', 'chartreuse', 'chiffon', 'chocolate', 'coral', 'cornflower',
  'cornsilk', 'cream', 'cyan', 'dark', 'deep', 'dim', 'dodger', 'drab', 'firebrick', 'floral', 'forest',
  'frosted', 'gainsboro', 'ghost', 'goldenrod', 'green', 'grey', 'honeydew', 'hot', 'indian', 'ivory',
  'khaki', 'lace', 'lavender', 'lawn', 'lemon', 'light', 'lime', 'linen', 'magenta', 'maroon', 'medium',
  'metallic', 'midnight', 'mint', 'misty', 'moccasin', 'navajo', 'navy', 'olive', 'orange', 'orchid',
  'pale', 'papaya', 'peach', 'peru', 'pink', 'plum', 'powder', 'puff', 'purple', 'red', 'rose', 'rosy',
  'royal', 'saddle', 'salmon', 'sandy', 'seashell', 'sienna', 'sky', 'slate', 'smoke', 'snow', 'spring',
  'steel', 'tan', 'thistle', 'tomato', 'turquoise', 'violet', 'wheat', 'white', 'yellow'
]) WITH ORDINALITY AS x(c, n);

INSERT INTO region
SELECT r.k, r.name, left(t.sentence, 31 + (r.k * 17) % 84)
FROM (VALUES (0, 'AFRICA'), (1, 'AMERICA'), (2, 'ASIA'), (3, 'EUROPE'), (4, 'MIDDLE EAST')) r(k, name)
JOIN text_pool t ON t.id = 1 + r.k;

INSERT INTO nation
SELECT n.k, n.name, n.region, left(t.sentence, 31 + (n.k * 13) % 84)
FROM (VALUES (0, 'ALGERIA', 0), (1, 'ARGENTINA', 1), (2, 'BRAZIL', 1), (3, 'CANADA', 1), (4, 'EGYPT', 4),
             (5, 'ETHIOPIA', 0), (6, 'FRANCE', 3), (7, 'GERMANY', 3), (8, 'INDIA', 2), (9, 'INDONESIA', 2),
             (10, 'IRAN', 4), (11, 'IRAQ', 4), (12, 'JAPAN', 2), (13, 'JORDAN', 4), (14, 'KENYA', 0),
             (15, 'MOROCCO', 0), (16, 'MOZAMBIQUE', 0), (17, 'PERU', 1), (18, 'CHINA', 2), (19, 'ROMANIA', 3),
             (20, 'SAUDI ARABIA', 4), (21, 'VIETNAM', 2), (22, 'RUSSIA', 3), (23, 'UNITED KINGDOM', 3),
             (24, 'UNITED STATES', 1)) n(k, name, region)
JOIN text_pool t ON t.id = 100 + n.k;

-- PART: P_NAME five colors, P_MFGR Manufacturer#M, P_BRAND Brand#MN,
-- P_TYPE three syllables, P_SIZE 1..50, P_CONTAINER two syllables,
-- P_RETAILPRICE by the specification's formula.
INSERT INTO part
SELECT p.k,
       c1.c || ' ' || c2.c || ' ' || c3.c || ' ' || c4.c || ' ' || c5.c,
       'Manufacturer#' || p.m,
       'Brand#' || p.m || p.n,
       (ARRAY['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'])[p.t1] || ' ' ||
         (ARRAY['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'])[p.t2] || ' ' ||
         (ARRAY['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'])[p.t3],
       p.size,
       (ARRAY['SM', 'LG', 'MED', 'JUMBO', 'WRAP'])[p.k1] || ' ' ||
         (ARRAY['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'])[p.k2],
       (90000 + ((p.k / 10) % 20001) + 100 * (p.k % 1000)) / 100.0,
       left(t.sentence, p.clen)
FROM (SELECT k, 1 + floor(random() * 5)::int AS m, 1 + floor(random() * 5)::int AS n,
             1 + floor(random() * 6)::int AS t1, 1 + floor(random() * 5)::int AS t2,
             1 + floor(random() * 5)::int AS t3, 1 + floor(random() * 50)::int AS size,
             1 + floor(random() * 5)::int AS k1, 1 + floor(random() * 8)::int AS k2,
             5 + floor(random() * 18)::int AS clen, pg_temp.pool_id() AS tid,
             1 + floor(random() * 92)::int AS a, 1 + floor(random() * 92)::int AS b,
             1 + floor(random() * 92)::int AS c, 1 + floor(random() * 92)::int AS d,
             1 + floor(random() * 92)::int AS e
      FROM generate_series(1, (200000 * :sf)::int) k) p
JOIN colors c1 ON c1.n = p.a JOIN colors c2 ON c2.n = p.b JOIN colors c3 ON c3.n = p.c
JOIN colors c4 ON c4.n = p.d JOIN colors c5 ON c5.n = p.e
JOIN text_pool t ON t.id = p.tid;

-- SUPPLIER: S_NATIONKEY 0..24, S_PHONE from the nation, S_ACCTBAL
-- -999.99..9999.99; S_COMMENT 25..100 characters, with the query 16 markers.
INSERT INTO supplier
SELECT s.k, 'Supplier#' || lpad(s.k::text, 9, '0'), s.address, s.nation,
       (s.nation + 10) || '-' || (100 + s.p1) || '-' || (100 + s.p2) || '-' || (1000 + s.p3),
       round(((-99999 + floor(random() * 1099999)) / 100.0)::numeric, 2),
       CASE
         WHEN s.k % (2000 * :sf)::int = 7 THEN 'Customer ' || left(t.sentence, 20) || ' Complaints'
         WHEN s.k % (2000 * :sf)::int = 13 THEN 'Customer ' || left(t.sentence, 20) || ' Recommends'
         ELSE left(t.sentence, s.clen)
       END
FROM (SELECT k, floor(random() * 25)::int AS nation, floor(random() * 900)::int AS p1,
             floor(random() * 900)::int AS p2, floor(random() * 9000)::int AS p3,
             left(md5(random()::text) || md5(random()::text), 10 + floor(random() * 31)::int) AS address,
             25 + floor(random() * 76)::int AS clen, pg_temp.pool_id() AS tid
      FROM generate_series(1, (10000 * :sf)::int) k) s
JOIN text_pool t ON t.id = s.tid;

-- PARTSUPP: four suppliers per part, PS_SUPPKEY by the specification's formula.
INSERT INTO partsupp
SELECT x.partkey, x.suppkey, 1 + floor(random() * 9999)::int,
       round(((100 + floor(random() * 99901)) / 100.0)::numeric, 2), left(t.sentence, 49 + floor(random() * 150)::int)
FROM (SELECT p.k AS partkey,
             (p.k + (i * ((10000 * :sf)::int / 4 + (p.k - 1) / (10000 * :sf)::int))) % (10000 * :sf)::int + 1 AS suppkey,
             pg_temp.pool_id() AS tid
      FROM generate_series(1, (200000 * :sf)::int) p(k), generate_series(0, 3) i) x
JOIN text_pool t ON t.id = x.tid;

-- CUSTOMER: C_MKTSEGMENT one of five, C_ACCTBAL -999.99..9999.99.
INSERT INTO customer
SELECT c.k, 'Customer#' || lpad(c.k::text, 9, '0'), c.address, c.nation,
       (c.nation + 10) || '-' || (100 + c.p1) || '-' || (100 + c.p2) || '-' || (1000 + c.p3),
       round(((-99999 + floor(random() * 1099999)) / 100.0)::numeric, 2),
       (ARRAY['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'])[c.seg],
       left(t.sentence, c.clen)
FROM (SELECT k, floor(random() * 25)::int AS nation, floor(random() * 900)::int AS p1,
             floor(random() * 900)::int AS p2, floor(random() * 9000)::int AS p3,
             left(md5(random()::text) || md5(random()::text), 10 + floor(random() * 31)::int) AS address,
             1 + floor(random() * 5)::int AS seg, 29 + floor(random() * 88)::int AS clen,
             pg_temp.pool_id() AS tid
      FROM generate_series(1, (150000 * :sf)::int) k) c
JOIN text_pool t ON t.id = c.tid;

-- ORDERS (before their lines): sparse keys (the first 8 of every 32),
-- O_CUSTKEY never a multiple of 3, O_ORDERDATE uniform in 1992-01-01 ..
-- 1998-08-02, 1 to 7 lines each.
CREATE TEMP TABLE order_draft AS
SELECT ((i - 1) / 8) * 32 + ((i - 1) % 8) + 1 AS orderkey,
       CASE WHEN c % 3 = 0 THEN CASE WHEN c = (150000 * :sf)::int THEN c - 1 ELSE c + 1 END ELSE c END AS custkey,
       date '1992-01-01' + floor(random() * (date '1998-08-02' - date '1992-01-01' + 1))::int AS orderdate,
       (ARRAY['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'])[1 + floor(random() * 5)::int]
         AS priority,
       'Clerk#' || lpad((1 + floor(random() * 1000 * :sf))::int::text, 9, '0') AS clerk,
       19 + floor(random() * 60)::int AS clen, pg_temp.pool_id() AS tid,
       1 + floor(random() * 7)::int AS lines
FROM (SELECT i, 1 + floor(random() * (150000 * :sf)::int)::int AS c FROM generate_series(1, (1500000 * :sf)::int) i) o;

-- LINEITEM: L_SUPPKEY one of the part's four suppliers, dates from the
-- order date, flags from the current date 1995-06-17.
INSERT INTO lineitem
SELECT l.orderkey, l.partkey,
       (l.partkey + (l.si * ((10000 * :sf)::int / 4 + (l.partkey - 1) / (10000 * :sf)::int))) % (10000 * :sf)::int + 1,
       l.linenumber, l.quantity,
       l.quantity * (90000 + ((l.partkey / 10) % 20001) + 100 * (l.partkey % 1000)) / 100.0,
       l.discount, l.tax,
       CASE WHEN l.shipdate + l.transit <= date '1995-06-17' THEN (ARRAY['R', 'A'])[l.ra] ELSE 'N' END,
       CASE WHEN l.shipdate > date '1995-06-17' THEN 'O' ELSE 'F' END,
       l.shipdate, l.commitdate, l.shipdate + l.transit,
       (ARRAY['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'])[l.instruct],
       (ARRAY['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'])[l.mode],
       left(t.sentence, l.clen)
FROM (SELECT d.orderkey, n AS linenumber, 1 + floor(random() * (200000 * :sf)::int)::int AS partkey,
             floor(random() * 4)::int AS si, 1 + floor(random() * 50)::int AS quantity,
             floor(random() * 11)::int / 100.0 AS discount, floor(random() * 9)::int / 100.0 AS tax,
             d.orderdate + 1 + floor(random() * 121)::int AS shipdate,
             d.orderdate + 30 + floor(random() * 61)::int AS commitdate,
             1 + floor(random() * 30)::int AS transit, 1 + floor(random() * 2)::int AS ra,
             1 + floor(random() * 4)::int AS instruct, 1 + floor(random() * 7)::int AS mode,
             10 + floor(random() * 34)::int AS clen, pg_temp.pool_id() AS tid
      FROM order_draft d, generate_series(1, d.lines) n) l
JOIN text_pool t ON t.id = l.tid;

-- O_ORDERSTATUS and O_TOTALPRICE from the order's lines.
INSERT INTO orders
SELECT d.orderkey, d.custkey,
       CASE WHEN s.open = s.lines THEN 'O' WHEN s.open = 0 THEN 'F' ELSE 'P' END,
       s.total, d.orderdate, d.priority, d.clerk, 0, left(t.sentence, d.clen)
FROM order_draft d
JOIN (SELECT l_orderkey, count(*) AS lines, count(*) FILTER (WHERE l_linestatus = 'O') AS open,
             round(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)), 2) AS total
      FROM lineitem GROUP BY l_orderkey) s ON s.l_orderkey = d.orderkey
JOIN text_pool t ON t.id = d.tid;
