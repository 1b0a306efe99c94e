-- Room on each page of guest_predictions for a second version of every row on it (docs/architecture.md, "Tables").
-- Every run rewrites the row of each current guest. With full pages each new version lands on another page, so the
-- key index takes a new entry per guest per run and the table grows by a copy of itself until vacuum. With 45% of a
-- page filled by inserts, the new versions of a page's rows fit beside the old ones: the update is a heap-only tuple
-- update (the index is not written) and the next access to the page prunes the old versions. The table is about
-- twice as big as a packed one. Pages written before this migration keep their packing; as runs rewrite their rows
-- and vacuum empties them, the table comes to this layout.
ALTER TABLE ${guest_predictions_table} SET (fillfactor = 45);
