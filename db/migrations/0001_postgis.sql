-- PostGIS for geometry types, spatial indexes and ST_* functions.
CREATE EXTENSION IF NOT EXISTS postgis;
