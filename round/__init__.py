"""The assessment round: the office's record of one year's assessment, in a database.

Every action (a submission, an inspector's score, a department's row, an adjustment, an appeal and its
decision, a scoring run, a publication) is a new row; nothing is updated in place or deleted, and the
current state of a round is derived from its history. Each row is sealed in a hash-chained audit log
(`audit.py`). The scoring itself is the engine's: this package composes each unit's evidence from the
record and calls `kaohe.engine`.
"""
