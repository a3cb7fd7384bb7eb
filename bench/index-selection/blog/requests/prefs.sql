-- prefs (added): users of one locale and theme, from the jsonb settings
\set l random(1, 40)
\set th random(1, 25)
SELECT user_id FROM settings WHERE prefs ->> 'locale' = 'loc-' || :l AND prefs ->> 'theme' = 'theme-' || :th LIMIT 50;
