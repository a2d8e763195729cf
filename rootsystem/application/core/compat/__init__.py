"""One module per library whose private API the framework touches: `tortoise`, `starlette`.

Each private name is used here and nowhere else, behind a small function that says why no public
API does the job, so a library upgrade that changes one breaks in one place (Aerich sits behind
`core/migrations/backend.py` the same way). tests/test_compat.py runs every function.
"""
