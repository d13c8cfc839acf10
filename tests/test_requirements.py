"""The requirements in two layers: a web process needs only requirements.txt (serving, with ONNX
Runtime); TensorFlow, Keras, the ONNX exporters and matplotlib are in requirements-train.txt, for
the task workers that train. A production app server installs the first file alone, so the web
process must never import anything from the second.

The web process is tried for real, in a process of its own started as gunicorn starts it
(`import config.wsgi`, the site's own settings): the database migrated, the static files collected,
the URLs and the admin loaded, a reading made, a few pages and the API asked, staff's admin pages
too. Then no training package may be among its modules, and every package it imported must come
from the serving layer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.pictures import digits_png

ROOT = Path(__file__).resolve().parents[1]
SERVING = ROOT / "requirements.txt"
TRAINING = ROOT / "requirements-train.txt"
DEV = ROOT / "requirements-dev.txt"

# The training layer's top-level packages, as distributions and as the modules they install.
TRAINING_PACKAGES = {"tensorflow", "keras", "tf2onnx", "onnx", "matplotlib"}
TRAINING_MODULES = {"tensorflow", "keras", "tf2onnx", "onnx", "matplotlib"}  # onnxruntime serves: allowed

# Imported by the web process only where they happen to be installed (a `try: import ... except
# ImportError`), so a server without them works the same: Django REST framework's compat module
# takes requests (for its test client) and Pygments, and requests brings its own; urllib3 looks for
# backports.zstd, which touches the `backports` namespace that backports.strenum installs.
OPTIONAL_AT_SERVING = {"requests", "urllib3", "idna", "certifi", "charset-normalizer", "pygments", "backports-strenum"}
# What `python -m venv` itself installs: setuptools' _distutils_hack runs at every start (a .pth file).
VENV_OWN = {"pip", "setuptools"}

WEB_PROCESS = r"""
import importlib.abc
import importlib.metadata
import json
import sys
import traceback

TRAINING_MODULES = set(sys.argv[2].split(","))
first_import = {}


class Watch(importlib.abc.MetaPathFinder):
    # Keeps where each training module was first imported from, to name the culprit.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in TRAINING_MODULES and name not in first_import:
            first_import[name] = "".join(traceback.format_stack(limit=15)[:-1])
        return None


sys.meta_path.insert(0, Watch())

import config.wsgi  # noqa: E402  (gunicorn's entry point: settings, apps, the model loading)
from django.contrib import admin  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import get_resolver  # noqa: E402

call_command("migrate", "--noinput", verbosity=0)
call_command("collectstatic", "--noinput", verbosity=0)
call_command("check")
get_resolver().url_patterns
get_resolver().reverse_dict
admin.autodiscover()

from recognizer.services import image_read  # noqa: E402

picture = open(sys.argv[1], "rb").read()
reading = image_read(image=picture, multi=False)
statuses = {}
visitor = Client(SERVER_NAME="localhost")
for url in ("/", "/healthz", "/api/v1/schema/", "/api/v1/docs/", "/accounts/login/"):
    statuses[url] = visitor.get(url).status_code
statuses["POST /api/v1/readings/"] = visitor.post("/api/v1/readings/", {"image": open(sys.argv[1], "rb")}).status_code
staff = Client(SERVER_NAME="localhost")
staff.force_login(User.objects.create_superuser("sam", "", "a-Long-enough-passw0rd"))
for url in ("/api/v1/model/", "/admin/", "/admin/recognizer/prediction/", "/admin/learning/modelversion/",
            "/admin/dashboard/", "/admin/review/"):
    statuses[url] = staff.get(url).status_code

top_level = sorted({name.split(".")[0] for name in sys.modules})
distributions = importlib.metadata.packages_distributions()
print(json.dumps({
    "digit": reading.lines[0].digits[0].digit,
    "statuses": statuses,
    "training_modules": sorted(name for name in sys.modules if name.split(".")[0] in TRAINING_MODULES),
    "first_import": first_import,
    "distributions": sorted({d for name in top_level for d in distributions.get(name, [])}),
}))
"""


def _name(requirement: str) -> str:
    """A distribution's normalised name (PEP 503), as pip compares them."""
    return re.sub(r"[-_.]+", "-", requirement.split("==")[0].strip()).lower()


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def _pins(path: Path) -> dict[str, str]:
    """Every package a requirements file names, with those of the files it includes (-r)."""
    pins: dict[str, str] = {}
    for line in _lines(path):
        if line.startswith("-r "):
            pins.update(_pins(path.parent / line[3:].strip()))
        else:
            pins[_name(line)] = line
    return pins


def test_the_web_process_imports_no_tensorflow_keras_onnx_exporters_or_matplotlib(tmp_path):
    picture = tmp_path / "seven.png"
    picture.write_bytes(digits_png("7"))
    # The site's own settings, as gunicorn loads them; debug on, so the pages need no manifest.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "tests-only-" + "k" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "MODEL_CACHE_DIR": str(tmp_path / "models"),
        "REDIS_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", WEB_PROCESS, str(picture), ",".join(sorted(TRAINING_MODULES))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    web = json.loads(done.stdout.strip().splitlines()[-1])

    assert web["digit"] == 7
    assert set(web["statuses"].values()) == {200}, web["statuses"]
    assert web["training_modules"] == [], f"the web process imported {web['training_modules']}\n" + "\n".join(
        f"{name} first from:\n{stack}" for name, stack in web["first_import"].items()
    )
    serving = set(_pins(SERVING))
    outside = {d for d in map(_name, web["distributions"]) if d not in serving} - OPTIONAL_AT_SERVING - VENV_OWN
    assert not outside, f"the web process imported packages that requirements.txt does not pin: {sorted(outside)}"


def test_the_serving_layer_is_all_pinned_and_names_no_training_package():
    lines = _lines(SERVING)

    assert lines, "requirements.txt is empty"
    unpinned = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[^\s=;@]+", line)]
    assert unpinned == [], f"every line of requirements.txt pins one package with ==: {unpinned}"
    assert not TRAINING_PACKAGES & {_name(line) for line in lines}


def test_the_training_layer_includes_the_serving_one_and_pins_the_rest():
    lines = _lines(TRAINING)

    assert "-r requirements.txt" in lines
    rest = [line for line in lines if line != "-r requirements.txt"]
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[^\s=;@]+", line) for line in rest), rest
    assert TRAINING_PACKAGES <= {_name(line) for line in rest}
    assert not {_name(line) for line in rest} & set(_pins(SERVING)), "a package pinned in both layers"


def test_the_dev_requirements_include_both_layers_and_make_installs_on_any_change():
    assert "-r requirements-train.txt" in _lines(DEV)
    assert set(_pins(SERVING)) < set(_pins(TRAINING)) < set(_pins(DEV))
    makefile = (ROOT / "Makefile").read_text()
    stamp_rule = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.MULTILINE)
    assert stamp_rule is not None
    assert set(stamp_rule.group(1).split()) >= {"requirements.txt", "requirements-train.txt", "requirements-dev.txt"}
