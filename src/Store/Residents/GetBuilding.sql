-- One building inside the caller's area.
SELECT b.id, b.code, b.grid_code, b.address, b.road, b.house_number, b.building_use, b.floors, b.geom, b.synthetic, b.row_version
FROM building b
WHERE b.code = @code AND starts_with(b.grid_code, @scope);
