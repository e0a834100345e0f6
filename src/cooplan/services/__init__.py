"""Service functions shared by the API and the web pages: one place for every act.

Each function takes a SQLAlchemy session and the acting account, checks the actor's rights
(raising :class:`~cooplan.errors.PermissionDeniedError` or :class:`NotAuthenticatedError`),
calls the engine or the institutions' rules, and records what happened.
"""
