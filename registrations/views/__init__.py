from django.views.decorators.http import require_http_methods

# A page with a form: shown by GET (and HEAD, which link checkers and proxies send), sent by POST.
form_page = require_http_methods(["GET", "HEAD", "POST"])
