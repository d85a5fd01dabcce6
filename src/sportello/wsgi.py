import os

from django.core.wsgi import get_wsgi_application

from sportello.core import heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
application = get_wsgi_application()
heap.settle()
