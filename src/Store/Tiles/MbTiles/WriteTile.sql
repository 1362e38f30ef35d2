INSERT OR REPLACE INTO tiles VALUES ($z, $x, $y, $data)
