"""What a restored site must still hold, read through the ORM and the storages: every page,
revision, case file (with its documents' bytes), delivery record, image and document.

``inventory()`` runs in the test process and, through ``manage.py shell``, in a process on the
restored database (``inventory_of``); the two answers must be equal."""

import hashlib
import json
import os
import subprocess
import sys

from django.conf import settings
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from casestudies.models import CaseFile, CaseFileDocument
from jingjian.syndication.models import Delivery


def _digest(field_file):
    with field_file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def inventory():
    return {
        "pages": [
            [p.pk, p.url_path, p.title, p.live]
            for p in Page.objects.order_by("pk").only("url_path", "title", "live")
        ],
        "revisions": list(
            Revision.objects.order_by("pk").values_list("pk", "object_id", "object_str")
        ),
        "case_files": list(CaseFile.objects.order_by("pk").values_list("pk", "number", "title")),
        "case_file_documents": [
            [d.pk, d.case_file_id, d.file.name, _digest(d.file)]
            for d in CaseFileDocument.objects.order_by("pk")
        ],
        "deliveries": list(
            Delivery.objects.order_by("pk").values_list("pk", "idempotency_key", "status")
        ),
        "images": [
            [i.pk, i.file.name, _digest(i.file)] for i in get_image_model().objects.order_by("pk")
        ],
        "documents": [
            [d.pk, d.file.name, _digest(d.file)]
            for d in get_document_model().objects.order_by("pk")
        ],
    }


def site_environment(database_url, media_root, private_media_root):
    """The environment of a manage.py process on another database and media folders."""
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        PRIVATE_MEDIA_ROOT=str(private_media_root),
    )
    return environment


def manage(arguments, environment):
    """Run ``manage.py`` in its own process; returns the finished process."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def inventory_of(environment):
    """``inventory()`` as a process in ``environment`` sees it (JSON: lists, not tuples)."""
    done = manage(
        [
            "shell",
            "-c",
            "import json; from tests.support.backups import inventory; "
            "print(json.dumps(inventory(), ensure_ascii=False))",
        ],
        environment,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
