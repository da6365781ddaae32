"""The project's set-up: one source of dependencies, CI calling the README's command."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import yaml

from monitor.core.config import KERNEL_NAME, PROJECT_ROOT


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda_deps = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_deps = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    # Only Python and pip come from conda; everything else from pyproject.toml via pip.
    assert sorted(d.split("=")[0] for d in conda_deps) == ["pip", "python"]
    assert "python=3.11" in conda_deps
    assert pip_deps == ["-e .[dev]"]


def test_pyproject_is_the_one_source_of_dependencies():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    names = [d.split(">")[0].split("=")[0].split("<")[0].strip().lower() for d in project["dependencies"]]
    for needed in ("pandas", "seaborn", "factor_analyzer", "papermill", "pyreadstat", "openpyxl", "jupyterlab"):
        assert needed in names  # jupyterlab: `make lab` is part of the workbench, not a developer extra
    dev = [d.split(">")[0].split("=")[0].lower() for d in project["optional-dependencies"]["dev"]]
    assert {"pytest", "nbval"} <= set(dev)
    assert "jupyterlab" not in dev
    assert project["scripts"]["monitor"] == "monitor.cli:main"


def test_ci_runs_the_readme_test_command():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make test" in ci
    assert "make test" in readme and "make reports" in readme


def test_project_kernel_is_registered():
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    assert KERNEL_NAME in specs, "run `make install`: it registers the project's kernel"
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    # The kernel runs the project's own interpreter, not whatever python is on PATH, and is kept inside
    # the environment (`ipykernel install --sys-prefix`), not in the user's home.
    assert spec.argv[0] == sys.executable
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve())


def test_the_test_run_writes_no_report_into_the_checkout():
    """tests.isolation points the default reports folder at a temporary folder for every process
    the tests start (nbval's kernels, ``monitor render`` without ``--out``, the README's commands)."""
    import os
    import tempfile

    from monitor.core.config import PROJECT_ROOT, REPORTS_DIR

    assert os.environ["MONITOR_REPORTS_DIR"] == str(REPORTS_DIR)
    assert REPORTS_DIR.is_relative_to(tempfile.gettempdir()) and not REPORTS_DIR.is_relative_to(PROJECT_ROOT)


#: Modules monitor/ imports that come with a declared package as part of it (not a dependency we
#: choose): the notebook stack with ipykernel, papermill and nbconvert; DEDUCE's own base library.
COMES_WITH = {"IPython": "ipykernel", "jupyter_client": "ipykernel", "jupyter_core": "ipykernel",
              "matplotlib_inline": "ipykernel", "nbclient": "papermill", "docdeid": "deduce", "regex": "deduce"}


def test_every_library_the_package_imports_is_declared():
    """A library monitor/ imports is named in pyproject.toml, not only reached through another's
    requirements: statsmodels arrived with semopy until semopy left, and a fresh install broke."""
    import ast
    from importlib.metadata import packages_distributions

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = {d.split(">")[0].split("=")[0].split("<")[0].strip().lower().replace("_", "-")
                for d in project["dependencies"]}
    imported = set()
    for path in (PROJECT_ROOT / "monitor").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = sorted(m for m in imported if m not in sys.stdlib_module_names and m != "monitor")
    distributions = packages_distributions()
    undeclared = []
    for module in third_party:
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & declared and COMES_WITH.get(module, "").replace("_", "-") not in declared:
            undeclared.append(f"{module} ({', '.join(sorted(names))})")
    assert not undeclared, f"imported by monitor/ but not declared in pyproject.toml: {undeclared}"
