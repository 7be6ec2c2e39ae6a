"""The package as a user installs it: one import package, `newsetl init`, and a run outside a checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "newsetl", "flows", "transforms", "expectations", "seeds", "sql")


def test_newsetl_connect_opens_a_warehouse_read_only(seeds_run):
    import newsetl

    _, warehouse, _ = seeds_run
    with newsetl.connect(warehouse) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 5
        with pytest.raises(Exception, match="(?i)read|not allowed|refused"):
            con.execute("delete from articles")


def test_every_python_folder_of_the_repository_is_a_listed_subpackage_of_newsetl():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {package: Path(folder) for package, folder in config["package-dir"].items()}
    found = set()
    for package, folder in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            inner = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *inner)))
    assert found <= set(config["packages"]), "a subpackage the wheel would leave out"


def test_init_writes_the_sample_articles_the_queries_a_deployment_and_a_readme(tmp_path):
    from newsetl.flows.project import init_project

    names = {str(path) for path in init_project(tmp_path / "demo")}
    assert len([name for name in names if name.startswith("landing/")]) == 5
    assert "sql/top_persons.sql" in names and {"prefect.yaml", "README.md"} <= names
    assert "entrypoint: newsetl.flows.news_etl:news_etl" in (tmp_path / "demo" / "prefect.yaml").read_text()


def test_init_refuses_a_folder_that_already_holds_a_project(tmp_path):
    from newsetl.flows.project import ProjectExists, init_project

    init_project(tmp_path)
    with pytest.raises(ProjectExists, match="landing"):
        init_project(tmp_path)


def test_a_project_folder_with_a_landing_folder_reads_it_by_default(tmp_path, monkeypatch):
    from newsetl.transforms.settings import Settings

    monkeypatch.delenv("NEWSETL_INPUT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings.resolve().input_dir == "seeds"
    (tmp_path / "landing").mkdir()
    assert Settings.resolve().input_dir == "landing"
    assert Settings.resolve(input_dir="elsewhere").input_dir == "elsewhere"


def _wheel(tmp_path: Path) -> Path:
    """A wheel built from a copy of the sources, so the build leaves nothing in the checkout."""
    source = tmp_path / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    # No build isolation: the build needs no download, setuptools comes from the test extras.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "wheels"), str(source)], check=True)
    (wheel,) = (tmp_path / "wheels").glob("newsetl-*.whl")
    return wheel


@pytest.mark.e2e
def test_a_wheel_in_a_fresh_venv_installs_only_newsetl_and_init_then_run_and_query_work(tmp_path):
    wheel = _wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
    assert {name for name in top if not name.endswith(".dist-info")} == {"newsetl"}

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies come from this environment's site-packages (no download); a folder added by a .pth
    # line has its own .pth files ignored, so this environment's editable newsetl stays out of the venv.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)], check=True)
    newsetl = [python, "-c", "import sys; from newsetl.flows.cli import main; sys.argv[0] = 'newsetl'; main()"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSETL_", "PREFECT_"))}

    where = subprocess.run([python, "-c", "import newsetl; print(newsetl.__file__)"], capture_output=True, text=True,
                           env=env, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(site))
    subprocess.run([*newsetl, "init", "demo"], env=env, cwd=tmp_path, check=True, timeout=60, capture_output=True)
    demo = tmp_path / "demo"
    subprocess.run([*newsetl, "run"], env=env, cwd=demo, check=True, timeout=600, capture_output=True)
    # the run's report was rendered from the templates the wheel ships as package data
    assert "<h2 id=\"history\">History</h2>" in (demo / "warehouse" / "quality" / "report.html").read_text()
    count = subprocess.run([*newsetl, "query", "--format", "csv", "select count(*) as n from articles"], env=env,
                           cwd=demo, capture_output=True, text=True, check=True, timeout=60)
    assert count.stdout.splitlines()[-1] == "5"
