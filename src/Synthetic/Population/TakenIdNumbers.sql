-- Which of the new ID numbers someone already in the database (another county) holds.
SELECT id_number::text FROM person WHERE id_number = ANY ($1::bpchar[])
