-- Tiles are cut in Web Mercator (EPSG:3857). Stored 3857 copies keep ST_Transform out of the tile query and let
-- the tile envelope use a GiST index directly.
ALTER TABLE admin_unit
    ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    ADD COLUMN geom_generalized_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom_generalized, 3857)) STORED,
    ADD COLUMN label_point_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(label_point, 3857)) STORED;
CREATE INDEX admin_unit_geom_3857_idx ON admin_unit USING gist (geom_3857);
CREATE INDEX admin_unit_label_point_3857_idx ON admin_unit USING gist (label_point_3857);
CREATE INDEX admin_unit_level_idx ON admin_unit (level);

ALTER TABLE grid
    ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    ADD COLUMN label_point_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(label_point, 3857)) STORED;
CREATE INDEX grid_geom_3857_idx ON grid USING gist (geom_3857);
CREATE INDEX grid_label_point_3857_idx ON grid USING gist (label_point_3857);

-- Every change that alters what a tile shows is recorded here with the area it touches (old and new shape), and
-- announced on the channel 'tile_invalidation'. Each tile service instance evicts exactly the cached tiles whose
-- buffered envelope meets that area, and on start-up catches up from the last id it processed.
CREATE TABLE tile_invalidation (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    layer       text NOT NULL,
    area        geometry(Geometry, 3857) NOT NULL,
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION record_tile_invalidation(p_layer text, p_area geometry, p_reason text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO tile_invalidation (layer, area, reason)
    VALUES (p_layer, ST_Transform(p_area, 3857), p_reason)
    RETURNING id INTO new_id;
    -- Delivered on commit only, so a rolled-back edit never evicts anything.
    PERFORM pg_notify('tile_invalidation', new_id::text);
    RETURN new_id;
END;
$$;

-- One trigger function for the tables tiles draw: TG_ARGV[0] names the tile layer. Any change of a row counts (they
-- are rare next to tile reads); the area is the old and the new shape together.
CREATE FUNCTION row_tiles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            PERFORM record_tile_invalidation(TG_ARGV[0], ST_Collect(OLD.geom, NEW.geom), TG_TABLE_NAME || ' ' || NEW.code || ' changed');
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM record_tile_invalidation(TG_ARGV[0], NEW.geom, TG_TABLE_NAME || ' ' || NEW.code || ' added');
    ELSE
        PERFORM record_tile_invalidation(TG_ARGV[0], OLD.geom, TG_TABLE_NAME || ' ' || OLD.code || ' removed');
    END IF;
    RETURN NULL;
END;
$$;

-- Row triggers: bulk loads TRUNCATE and COPY with gridmap.bulk_load on; a new dataset version invalidates instead.
CREATE TRIGGER grid_tiles_changed AFTER INSERT OR UPDATE OR DELETE ON grid
    FOR EACH ROW WHEN (current_setting('gridmap.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION row_tiles_changed('grids');

CREATE TRIGGER admin_unit_tiles_changed AFTER INSERT OR UPDATE OR DELETE ON admin_unit
    FOR EACH ROW WHEN (current_setting('gridmap.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION row_tiles_changed('admin');

-- Staffing shows on the grid layer (staffed / vacant), so appointing or removing a manager touches the grid's tiles.
CREATE FUNCTION grid_manager_tiles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    affected text[];
BEGIN
    affected := CASE TG_OP
        WHEN 'INSERT' THEN ARRAY[NEW.grid_code]
        WHEN 'DELETE' THEN ARRAY[OLD.grid_code]
        ELSE ARRAY[OLD.grid_code, NEW.grid_code] END;
    PERFORM record_tile_invalidation('grids', ST_Collect(g.geom), 'manager of ' || array_to_string(affected, ', ') || ' changed')
    FROM grid g WHERE g.code = ANY (affected)
    HAVING count(*) > 0;
    RETURN NULL;
END;
$$;

CREATE TRIGGER grid_manager_tiles_changed AFTER INSERT OR UPDATE OR DELETE ON grid_manager
    FOR EACH ROW WHEN (current_setting('gridmap.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION grid_manager_tiles_changed();
