"""Version control: the git work tree a run happens in (dirty checks, branches, commits)."""

from __future__ import annotations

from migrator.vcs.repository import Repository

__all__ = ["Repository"]
