"""Strategy pages: objectives, departments, department goals and strategy sessions — lists,
details, create/edit forms, and capturing goals and demands from a session.

Every read goes through the permission layer (`restrict`, `get_object_for_user`), every write
through `bearing.strategy.services`; a service's ValidationError is shown next to the field.
"""

from __future__ import annotations

from bearing.strategy.views.departments import (
    department_create,
    department_detail,
    department_edit,
    department_list,
)
from bearing.strategy.views.goals import (
    goal_create,
    goal_delete,
    goal_detail,
    goal_edit,
    goal_list,
)
from bearing.strategy.views.objectives import (
    objective_create,
    objective_delete,
    objective_detail,
    objective_edit,
    objective_list,
)
from bearing.strategy.views.sessions import (
    session_capture_demand,
    session_capture_goal,
    session_create,
    session_detail,
    session_edit,
    session_list,
)

__all__ = [
    "department_create",
    "department_detail",
    "department_edit",
    "department_list",
    "goal_create",
    "goal_delete",
    "goal_detail",
    "goal_edit",
    "goal_list",
    "objective_create",
    "objective_delete",
    "objective_detail",
    "objective_edit",
    "objective_list",
    "session_capture_demand",
    "session_capture_goal",
    "session_create",
    "session_detail",
    "session_edit",
    "session_list",
]
