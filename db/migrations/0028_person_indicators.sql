-- Person-level indicators (issue 17): a handler's finished steps are found from the history lines that left them
-- holding a step. Holders are named only since 0025, so the partial index stays small next to the whole history.
CREATE INDEX event_history_holder_idx ON event_history (holder) WHERE holder IS NOT NULL;
