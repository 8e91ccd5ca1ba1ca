"""AWS Lambda entry point (SAM handler ``lambda_function.handler``).

The skill is built once per container, at import, so warm requests only route and render.
"""

from aftercare.skill import build_handler

handler = build_handler()
