"""Declarative validation: `await validate(data, {"email": "required|email"})`."""

from core.validation.errors import RuleError, ValidationError
from core.validation.validator import Validator, validate

__all__ = ["RuleError", "ValidationError", "Validator", "validate"]
