-- Whether a unit or grid code names something.
SELECT EXISTS (SELECT 1 FROM admin_unit WHERE code = @code)
    OR EXISTS (SELECT 1 FROM grid WHERE code = @code);
