"""Security: which roles grant which permissions.

Owns the role policy (role -> permission grants, ``*`` wildcards as in
:mod:`shared.infrastructure.security`) and turns an authenticated user's roles into the
``SecurityContext`` that ``@require_permission`` checks. Registered as
``("security", "authorization")``: an
:class:`~enterprise.security.application.authorization.AuthorizationService`.
"""
