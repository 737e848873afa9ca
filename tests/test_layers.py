"""The pages read through the domain apps' selectors: no view builds a query itself."""

import ast
import inspect

import pytest

from onewindow.portal import views as portal_views
from onewindow.workbench import views as workbench_views


@pytest.mark.parametrize("module", [portal_views, workbench_views], ids=lambda m: m.__name__)
def test_views_never_touch_a_model_manager(module):
    tree = ast.parse(inspect.getsource(module))
    managers = [
        f"line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert not managers, f"{module.__name__} queries a model directly at {', '.join(managers)}"
