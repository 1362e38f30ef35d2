-- Publishes of one village run one at a time (held to the end of the transaction); others are not held up.
SELECT pg_advisory_xact_lock(hashtextextended('grid_publish:' || @village, 0));
