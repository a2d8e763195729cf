"""The site's models: import each one (so Tortoise and Aerich see it) and register it by name."""

from core.registry import register_model
from models.user import User

register_model("User", User)
