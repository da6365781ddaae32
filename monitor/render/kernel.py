"""The notebooks' Jupyter kernel, on every install route.

``make install`` registers the project's kernel (``samenwerkingsmonitor``) inside the venv. The
conda route (``environment.yml``) and a plain ``pip install -e .`` do not, and a kernel of that
name registered earlier may point at another environment, where ``import monitor`` fails or
finds another version. :func:`ensure_kernel` makes ``monitor render`` work on each:

1. the project kernel is registered and runs this interpreter: it is used, silently;
2. otherwise it is registered in this environment (``sys.prefix``, as ``ipykernel install
   --sys-prefix`` does), and used if Jupyter then finds it;
3. otherwise (a read-only environment, or a user-wide kernel of that name taking precedence) a
   kernel spec for this interpreter is written to a private folder put first on
   ``JUPYTER_PATH`` for this process and its workers.

Cases 2 and 3 say what they did, in one line on standard error.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from ..core.config import KERNEL_NAME

__all__ = ["ensure_kernel", "kernel_runs_here", "DISPLAY_NAME"]

DISPLAY_NAME = "Samenwerkingsmonitor (Python 3)"


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def kernel_runs_here(spec) -> bool:
    """Whether a kernel spec starts this environment's Python (the same ``bin`` folder).

    Compared without resolving symbolic links: a venv's ``python`` links to the base
    interpreter, which has other packages.
    """
    argv = list(getattr(spec, "argv", None) or [])
    if not argv:
        return False
    program = argv[0]
    if not os.path.isabs(program):
        return False  # "python": whichever is first on PATH, not necessarily this one
    return Path(os.path.abspath(program)).parent == Path(os.path.abspath(sys.executable)).parent


def _find(name: str):
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        return KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return None


def _private_spec(name: str) -> Path:
    """A kernel spec for this interpreter in a private folder, first on ``JUPYTER_PATH``."""
    root = Path(tempfile.mkdtemp(prefix="monitor-kernel-"))
    folder = root / "kernels" / name
    folder.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": DISPLAY_NAME, "language": "python", "metadata": {"debugger": True}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(root), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    return folder


def ensure_kernel(name: str = KERNEL_NAME, prefix: str | os.PathLike | None = None, say=_say) -> str:
    """The name of a kernel that runs this interpreter, registering one when needed.

    Parameters
    ----------
    name : str
        The kernel's name (default: the project kernel, :data:`monitor.core.config.KERNEL_NAME`).
    prefix : path, optional
        Where to register it (default ``sys.prefix``: this venv or conda environment).
    say : callable
        Called with one line when something was done (registered, or a private kernel used).

    Returns
    -------
    str
        The kernel name to start the notebooks with.
    """
    spec = _find(name)
    if spec is not None and kernel_runs_here(spec):
        return name
    reason = "is not registered" if spec is None else f"runs another Python ({spec.argv[0]})"
    prefix = Path(prefix or sys.prefix)
    try:
        from ipykernel.kernelspec import install

        install(kernel_name=name, display_name=DISPLAY_NAME, prefix=str(prefix))
    except (OSError, ImportError) as exc:
        problem = f"could not be registered in {prefix} ({exc.__class__.__name__})"
    else:
        found = _find(name)
        if found is not None and kernel_runs_here(found):
            say(f"kernel: the project kernel {name!r} {reason}; registered it in {prefix} for {sys.executable}")
            return name
        problem = f"registered in {prefix}, but Jupyter finds another kernel of that name first"
    folder = _private_spec(name)
    say(f"kernel: the project kernel {name!r} {reason} and {problem}; running the notebooks on this "
        f"interpreter ({sys.executable}) through {folder}")
    return name
