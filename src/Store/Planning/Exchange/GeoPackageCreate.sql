-- An empty GeoPackage 1.3 (SQLite, run by Microsoft.Data.Sqlite) with one feature table, grids, in CGCS2000.
-- The three gpkg_* tables and their required rows are those of the OGC GeoPackage standard (12-128r18), section 1.1.
PRAGMA application_id = 1196444487; -- 'GPKG'
PRAGMA user_version = 10300;

CREATE TABLE gpkg_spatial_ref_sys (
    srs_name                 TEXT NOT NULL,
    srs_id                   INTEGER PRIMARY KEY,
    organization             TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition               TEXT NOT NULL,
    description              TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
    ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
    ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
    ('WGS 84 geodetic', 4326, 'EPSG', 4326,
     'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]',
     'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
    ('China Geodetic Coordinate System 2000', 4490, 'EPSG', 4490, $cgcs2000, 'CGCS2000 longitude/latitude, the storage CRS of GridMap');

CREATE TABLE gpkg_contents (
    table_name  TEXT NOT NULL PRIMARY KEY,
    data_type   TEXT NOT NULL,
    identifier  TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    min_x       DOUBLE,
    min_y       DOUBLE,
    max_x       DOUBLE,
    max_y       DOUBLE,
    srs_id      INTEGER REFERENCES gpkg_spatial_ref_sys (srs_id)
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('grids', 'features', $identifier, $description, 4490);

CREATE TABLE gpkg_geometry_columns (
    table_name         TEXT NOT NULL UNIQUE REFERENCES gpkg_contents (table_name),
    column_name        TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id             INTEGER NOT NULL REFERENCES gpkg_spatial_ref_sys (srs_id),
    z                  TINYINT NOT NULL,
    m                  TINYINT NOT NULL,
    PRIMARY KEY (table_name, column_name)
);
INSERT INTO gpkg_geometry_columns VALUES ('grids', 'geom', 'MULTIPOLYGON', 4490, 0, 0);

CREATE TABLE grids (
    fid        INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    geom       MULTIPOLYGON,
    code       TEXT NOT NULL UNIQUE,
    village    TEXT NOT NULL,
    village_nm TEXT NOT NULL,
    name       TEXT NOT NULL,
    area_m2    REAL NOT NULL,
    households INTEGER NOT NULL,
    manager    TEXT NOT NULL
);
