"""cooplan.institutions: the federation's rules engine, pure and testable.

Modules (each with one job; no database, no HTTP):

* :mod:`~cooplan.institutions.rules` — ``federation.toml``: every parameter, its default and
  source; :func:`~cooplan.institutions.rules.load_rules`.
* :mod:`~cooplan.institutions.members` — ``members.csv`` validation and a deterministic
  generator; :mod:`~cooplan.institutions.tables` — the thin adapter to the economy's tables.
* :mod:`~cooplan.institutions.bodies` and :mod:`~cooplan.institutions.voting` — who votes
  where, delegate allocation, decision methods with explained counts.
* :mod:`~cooplan.institutions.plan_cycle` — the plan's approval as a state machine; a plan's
  split by coop.
* :mod:`~cooplan.institutions.relocation`, :mod:`~cooplan.institutions.accounts`,
  :mod:`~cooplan.institutions.funds`, :mod:`~cooplan.institutions.solidarity` and
  :mod:`~cooplan.institutions.settlement` — settling a plan period.
* :mod:`~cooplan.institutions.fagor` — the 2013 Fagor closure replayed against the record.
"""
