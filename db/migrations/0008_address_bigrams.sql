-- Locating by a two-character address fragment (东街, 前进): pg_trgm cannot index LIKE patterns shorter than three
-- characters, so buildings also keep their address's distinct character pairs in a GIN-indexed array.
CREATE FUNCTION text_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') FROM generate_series(1, length(t) - 1) AS i
$$;

ALTER TABLE building ADD COLUMN address_bigrams text[] GENERATED ALWAYS AS (text_bigrams(address)) STORED;
CREATE INDEX building_address_bigrams_idx ON building USING gin (address_bigrams);
