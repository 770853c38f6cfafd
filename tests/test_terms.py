"""The terms the code names are made once, in `learningcity.terms`."""

from __future__ import annotations

import importlib
import pkgutil

import pyoxigraph as ox

import learningcity
from learningcity import terms


def test_no_module_makes_its_own_copy_of_a_shared_term() -> None:
    shared = {value: name for name, value in vars(terms).items() if isinstance(value, ox.NamedNode)}
    copies = []
    for module_info in pkgutil.walk_packages(learningcity.__path__, "learningcity."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, ox.NamedNode) and value in shared:
                original = getattr(terms, shared[value])
                if value is not original:
                    copies.append(f"{module_info.name}.{name} (use terms.{shared[value]})")
    assert copies == []
