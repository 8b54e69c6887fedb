"""The ceiling for ``bench/load.py``: a bare Flask view, served by the same
``gunicorn.conf.py`` as the application (``gunicorn -c gunicorn.conf.py bench.hello:app``).
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "hello"
