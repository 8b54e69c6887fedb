"""Background jobs: a Huey queue (SQLite file or Redis) carrying job ids, and
``Job`` rows holding state, progress and results for every web worker to show."""
