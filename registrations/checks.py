"""System checks of the project's own, registered when the app is ready (see apps.py).

There are none at present. A missing SECRET_KEY used to be a deploy warning here; the settings
now refuse to start without one unless DEBUG is on (eventsite/settings.py).
"""
