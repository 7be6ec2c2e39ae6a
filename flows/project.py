"""`newsetl init`: a working project outside a checkout, from the files the package ships.

Like `dbt init`, it writes what a first run and a schedule need and nothing else: the sample
articles as the landing folder, the example queries, the hourly deployment and a short README.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# The deployment names the flow by module path, so it needs no checkout, only the installed package.
PREFECT_YAML = """\
# The hourly deployment of the news-etl flow. Schedules need a running Prefect server:
#   prefect server start --host 127.0.0.1 &
#   export PREFECT_API_URL=http://127.0.0.1:4200/api NEWSETL_PROJECT_DIR=$PWD
#   prefect work-pool create newsetl-pool --type process
#   prefect --no-prompt deploy --all
#   prefect worker start --pool newsetl-pool
name: {name}
prefect-version: 3.8.8

pull:
  - prefect.deployments.steps.set_working_directory:
      directory: "{{{{ $NEWSETL_PROJECT_DIR }}}}"

deployments:
  - name: hourly
    description: Ingest the landing folder every hour into the warehouse.
    entrypoint: newsetl.flows.news_etl:news_etl
    tags: [newsetl]
    parameters:
      input_dir: landing
      warehouse_dir: warehouse
    schedules:
      - cron: "0 * * * *"
        timezone: Europe/Berlin
        active: true
    work_pool:
      name: newsetl-pool
      work_queue_name: default
"""

README = """\
# {name}

A newsetl project: raw German news articles in `landing/`, the warehouse in `warehouse/`.

```sh
newsetl run                                          # landing/ -> warehouse/
newsetl query "select title, outlet, published_at from articles"
newsetl query --file sql/top_persons.sql             # more questions in sql/
newsetl search "Regierung"
newsetl report --open                                # the data-quality report
```

Put your own article files (.txt, .html, .htm, optionally .gz) into `landing/` and run again: files
already in the warehouse are skipped. `prefect.yaml` schedules an hourly run on a Prefect server (the
steps are in its header).
"""


def _shipped(package: str):
    """The folder of a data package: in the installed wheel, or the checkout's own folder under an editable install
    (whose import finder maps only the folders with Python code)."""
    try:
        return files(package)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / package.rsplit(".", 1)[-1]


class ProjectExists(FileExistsError):
    """The target folder already holds files that init would overwrite."""


def init_project(target: str | Path) -> list[Path]:
    """Create a project in target (made if missing); the paths written, relative to it."""
    root = Path(target)
    taken = [name for name in ("landing", "sql", "prefect.yaml", "README.md") if (root / name).exists()]
    if taken:
        raise ProjectExists(f"{root} already has {', '.join(taken)}: choose an empty or new folder")
    name = root.resolve().name or "newsetl-project"
    written = []
    for folder, package, suffix in (("landing", "newsetl.seeds", ".txt"), ("sql", "newsetl.sql", ".sql")):
        (root / folder).mkdir(parents=True)
        for source in sorted(_shipped(package).iterdir(), key=lambda entry: entry.name):
            if source.is_file() and source.name.endswith(suffix):
                (root / folder / source.name).write_bytes(source.read_bytes())
                written.append(Path(folder) / source.name)
    (root / "prefect.yaml").write_text(PREFECT_YAML.format(name=name), encoding="utf-8")
    (root / "README.md").write_text(README.format(name=name), encoding="utf-8")
    return [*written, Path("prefect.yaml"), Path("README.md")]
