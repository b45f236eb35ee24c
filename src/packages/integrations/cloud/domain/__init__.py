"""The cloud model: what makes an object key valid."""
