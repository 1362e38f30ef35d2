-- Events of the village not yet finished, where they were reported.
SELECT e.id, ST_X(e.geom), ST_Y(e.geom)
FROM event e
WHERE e.county_code = left(@village, 6) AND e.village_code = @village
  AND e.state NOT IN ('Closed', 'Rejected', 'Voided');
