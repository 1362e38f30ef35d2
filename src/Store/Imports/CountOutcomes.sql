SELECT count(*) FILTER (WHERE outcome = 'invalid')::int AS invalid,
       count(*) FILTER (WHERE outcome = 'unmatched')::int AS unmatched,
       count(*) FILTER (WHERE outcome = 'conflicting')::int AS conflicting,
       count(*) FILTER (WHERE outcome = 'merge')::int AS merged
FROM import_match;
