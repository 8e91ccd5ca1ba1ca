"""The aftercare Alexa skill."""
