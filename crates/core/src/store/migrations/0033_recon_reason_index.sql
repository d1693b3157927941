-- 0033: a month's discrepancies by reason, in id order, so a page of them (ORDER BY reason, id) and the count per
-- reason are read from the index: at 10 M clicks a month holds 120 k rows, and each page sorted all of them.
CREATE INDEX recon_discrepancies_reason ON recon_discrepancies (program_id, period, reason);
