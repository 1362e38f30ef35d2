-- Bytes the population tables take, indexes and TOAST included.
SELECT sum(pg_total_relation_size(t))::bigint
FROM unnest(ARRAY['building', 'house', 'household', 'household_member', 'person', 'special_group', 'visit']::regclass[]) AS t
