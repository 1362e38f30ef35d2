-- Generalized copies of the real polygons (province, cities, counties) for small-scale maps, simplified per level
-- as one coverage (NetTopologySuite CoverageSimplifier) so that neighbours keep sharing their simplified borders:
-- no slivers or gaps on the map. Null below the county: synthetic townships, villages and grids are Voronoi cells
-- whose inner edges cannot be simpler, bounded by the county border, which must stay as it is.
ALTER TABLE admin_unit ADD COLUMN geom_generalized geometry(MultiPolygon, 4490);
-- NOT VALID: a database loaded before this migration keeps its rows until the next load fills the column.
ALTER TABLE admin_unit ADD CONSTRAINT admin_unit_generalized_levels CHECK ((level <= 3) = (geom_generalized IS NOT NULL)) NOT VALID;
