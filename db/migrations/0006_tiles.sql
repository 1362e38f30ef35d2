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

CREATE FUNCTION grid_tiles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.geom IS DISTINCT FROM OLD.geom OR NEW.code IS DISTINCT FROM OLD.code OR NEW.area_m2 IS DISTINCT FROM OLD.area_m2 THEN
            PERFORM record_tile_invalidation('grids', ST_Collect(OLD.geom, NEW.geom), 'grid ' || NEW.code || ' changed');
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM record_tile_invalidation('grids', NEW.geom, 'grid ' || NEW.code || ' added');
    ELSE
        PERFORM record_tile_invalidation('grids', OLD.geom, 'grid ' || OLD.code || ' removed');
    END IF;
    RETURN NULL;
END;
$$;

-- Row triggers: bulk loads TRUNCATE and COPY, which a dataset version (the dataset_load id) invalidates instead.
CREATE TRIGGER grid_tiles_changed AFTER INSERT OR UPDATE OR DELETE ON grid
    FOR EACH ROW WHEN (current_setting('gridmap.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION grid_tiles_changed();

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

CREATE FUNCTION admin_unit_tiles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.geom IS DISTINCT FROM OLD.geom OR NEW.name IS DISTINCT FROM OLD.name OR NEW.label_point IS DISTINCT FROM OLD.label_point THEN
            PERFORM record_tile_invalidation('admin', ST_Collect(OLD.geom, NEW.geom), 'unit ' || NEW.code || ' changed');
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM record_tile_invalidation('admin', NEW.geom, 'unit ' || NEW.code || ' added');
    ELSE
        PERFORM record_tile_invalidation('admin', OLD.geom, 'unit ' || OLD.code || ' removed');
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER admin_unit_tiles_changed AFTER INSERT OR UPDATE OR DELETE ON admin_unit
    FOR EACH ROW WHEN (current_setting('gridmap.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION admin_unit_tiles_changed();
