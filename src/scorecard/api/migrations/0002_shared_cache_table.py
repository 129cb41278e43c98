"""The database cache table (settings.CACHES without REDIS_URL).

API rate limits count in the cache, and every gunicorn worker must see one count, so the
default cache is a table; creating it here means `scorecard init` (and any `migrate`)
leaves a database the server can use. A no-op when the cache is Redis.
"""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
