-- The unit an export is of: its name, or no row when there is no such unit.
SELECT name FROM admin_unit WHERE code = @code;
