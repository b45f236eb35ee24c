"""The security model: role policies and the roles every deployment starts with."""
