-- 0011: drop the index on conversions.transaction_id. Every query that looks conversions up by transaction id does
-- so inside an OR with other keys, which SQLite answers by scanning the program's conversions, so the index served
-- no query; yet tracker transaction ids are random, so each sync page dirtied index pages all over the tree and the
-- index cost 44 % of a sync's write time (B2, 200 k conversions: 4.55 s with it, 2.55 s without).
DROP INDEX conversions_txn;
