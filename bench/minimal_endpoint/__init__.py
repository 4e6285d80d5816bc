"""A throw-away Django app for bench/registration_burst.py: the least a registration POST costs.

One model with the registration's eight person fields, a ModelForm, a CSRF-protected view that
validates and inserts one row, on the project's own settings and middleware (settings.py here).
It is never in the project's INSTALLED_APPS; its table lives only in the benchmark's scratch
database (created by `migrate --run-syncdb` with these settings: the app has no migrations).
"""
