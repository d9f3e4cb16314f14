"""PI review and adjudication: the queue, grouping of overlapping codings, decisions."""
