-- One row per county: what its population load put in.
INSERT INTO population_load (county_code, seed, generator, buildings, households, people)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (county_code) DO UPDATE
SET seed = excluded.seed, generator = excluded.generator, buildings = excluded.buildings,
    households = excluded.households, people = excluded.people, loaded_at = now()
